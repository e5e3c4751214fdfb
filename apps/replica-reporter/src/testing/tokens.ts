import type { Role } from '@chucar/domain';
import { createAccessTokenSigner, signServiceToken } from '@chucar/platform';
import { REPORTER_AUDIENCE } from '../http/auth.ts';
import type { ReporterConfig } from '../config.ts';

/** An access token as the gateway issues it, signed with the secret the reporter shares. */
export function accessToken(config: ReporterConfig, role: Role, accountId = 1): string {
  return createAccessTokenSigner({ secret: config.REPORTER_JWT_SECRET, ttlSeconds: 60 })({ accountId, role });
}

/** The token the gateway signs when it forwards /v1/reports. */
export function serviceToken(config: ReporterConfig, role: Role, accountId = 1): string {
  return signServiceToken(config.REPORTER_SERVICE_SECRET, { accountId, role, audience: REPORTER_AUDIENCE });
}
