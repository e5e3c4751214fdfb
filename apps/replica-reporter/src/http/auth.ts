import { createVerifier } from 'fast-jwt';
import type { FastifyRequest } from 'fastify';
import { ROLES, type Actor, type Role } from '@chucar/domain';
import { HttpProblem, bearerToken, verifyServiceToken } from '@chucar/platform';

/** The audience of the service tokens the gateway signs when it forwards /v1/reports here. */
export const REPORTER_AUDIENCE = 'replica-reporter';
export const REPORT_ROLES: readonly Role[] = ['analyst', 'admin'];

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const unauthenticated = (detail: string) => new HttpProblem(401, 'unauthenticated', detail, { 'www-authenticate': 'Bearer realm="chucar"' });

/**
 * Who calls: either the gateway forwarding for a user (a service token for this audience), or an
 * analyst calling the reporter directly with the access token the gateway issued them (HS256 with
 * the gateway's JWT secret, claims `sub` and `role`, as the gateway verifies it). Only analysts
 * and admins may run reports.
 */
export function createReportAuth(secrets: { jwtSecret: string; serviceSecret: string }) {
  const verifyAccessToken = createVerifier({ key: secrets.jwtSecret, algorithms: ['HS256'], cache: 1000 });

  function actorOf(authorization: string | undefined): Actor {
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated('an access token is required (Authorization: Bearer …)');
    let claims: { sub?: unknown; role?: unknown; aud?: unknown };
    try {
      claims = verifyAccessToken(token) as typeof claims;
    } catch (error) {
      const expired = (error as { code?: string }).code === 'FAST_JWT_EXPIRED';
      if (expired) throw unauthenticated('the access token has expired; refresh it');
      // Not one of the gateway's access tokens: perhaps the gateway's service token for this call.
      let caller;
      try {
        caller = verifyServiceToken(secrets.serviceSecret, token, REPORTER_AUDIENCE);
      } catch {
        throw unauthenticated('the access token is invalid');
      }
      if (!isRole(caller.role)) throw unauthenticated('the token names an unknown role');
      return { accountId: caller.accountId, role: caller.role };
    }
    const accountId = typeof claims.sub === 'string' && /^[1-9]\d{0,15}$/.test(claims.sub) ? Number(claims.sub) : NaN;
    // A service token signed with the JWT secret by mistake carries an audience: access tokens have none.
    if (!Number.isSafeInteger(accountId) || !isRole(claims.role) || claims.aud !== undefined) throw unauthenticated('the access token is invalid');
    return { accountId, role: claims.role };
  }

  /** onRequest hook of the report routes: 401 without a valid token, 403 for other roles. */
  return async function requireReportRole(request: FastifyRequest): Promise<void> {
    const actor = actorOf(request.headers.authorization);
    if (!REPORT_ROLES.includes(actor.role)) throw new HttpProblem(403, 'forbidden', `reports are for ${REPORT_ROLES.join(' and ')} accounts`);
    request.log.info({ accountId: actor.accountId, role: actor.role }, 'report caller');
  };
}
