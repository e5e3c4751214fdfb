import { createSigner } from 'fast-jwt';
import type { Role } from '@chucar/domain';
import { signServiceToken } from '@chucar/platform';
import { REPORTER_AUDIENCE } from '../http/auth.ts';
import type { ReporterConfig } from '../config.ts';

/** An access token as the gateway issues it (HS256, sub and role), signed with the secret the reporter shares. */
export function accessToken(config: ReporterConfig, role: Role, accountId = 1): string {
  return createSigner({ key: config.REPORTER_JWT_SECRET, algorithm: 'HS256', expiresIn: 60_000 })({ sub: String(accountId), role });
}

/** The token the gateway signs when it forwards /v1/reports. */
export function serviceToken(config: ReporterConfig, role: Role, accountId = 1): string {
  return signServiceToken(config.REPORTER_SERVICE_SECRET, { accountId, role, audience: REPORTER_AUDIENCE });
}
