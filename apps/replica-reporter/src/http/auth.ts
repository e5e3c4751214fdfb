import type { FastifyRequest } from 'fastify';
import { ROLES, type Actor, type Role } from '@chucar/domain';
import { HttpProblem, UnauthenticatedProblem, bearerToken, createAccessTokenVerifier, verifyServiceToken } from '@chucar/platform';

/** The audience of the service tokens the gateway signs when it forwards /v1/reports here. */
export const REPORTER_AUDIENCE = 'replica-reporter';
export const REPORT_ROLES: readonly Role[] = ['analyst', 'admin'];

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Who calls: either the gateway forwarding for a user (a service token for this audience), or an
 * analyst calling the reporter directly with the access token the gateway issued them (verified
 * as the gateway verifies it, with the gateway's JWT secret). Only analysts and admins may run reports.
 */
export function createReportAuth(secrets: { jwtSecret: string; serviceSecret: string }) {
  const accessTokens = createAccessTokenVerifier({ secret: secrets.jwtSecret, roles: ROLES });

  function actorOf(authorization: string | undefined): Actor {
    const parsed = bearerToken(authorization);
    if (!parsed.ok) throw new UnauthenticatedProblem(parsed.failure, parsed.detail);
    const check = accessTokens.verifyToken(parsed.token);
    if (check.ok) return { accountId: check.claims.accountId, role: check.claims.role };
    if (check.problem.reason === 'expired') throw check.problem;
    // Not one of the gateway's access tokens: perhaps the gateway's service token for this call.
    let caller;
    try {
      caller = verifyServiceToken(secrets.serviceSecret, parsed.token, REPORTER_AUDIENCE);
    } catch {
      throw check.problem;
    }
    if (!isRole(caller.role)) throw new UnauthenticatedProblem('invalid', 'the token names an unknown role');
    return { accountId: caller.accountId, role: caller.role };
  }

  /** onRequest hook of the report routes: 401 without a valid token, 403 for other roles. */
  return async function requireReportRole(request: FastifyRequest): Promise<void> {
    const actor = actorOf(request.headers.authorization);
    if (!REPORT_ROLES.includes(actor.role)) throw new HttpProblem(403, 'forbidden', `reports are for ${REPORT_ROLES.join(' and ')} accounts`);
    request.log.info({ accountId: actor.accountId, role: actor.role }, 'report caller');
  };
}
