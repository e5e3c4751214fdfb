import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { ROLES, type Actor, type Role } from '@chucar/domain';
import { HttpProblem, serviceCallerFromAuthorization } from '@chucar/platform';

export const MEDIA_SERVICE_AUDIENCE = 'media-service';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller the gateway vouched for; null only on the open routes (health, metrics). */
    actor: Actor | null;
  }
}

/** What load balancers and Prometheus call directly; everything else comes through the gateway. */
const openRoutes = new Set(['/health/live', '/health/ready', '/metrics']);

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** The caller of a service token in an `authorization` header, or 401. */
export function actorFromAuthorization(secret: string, authorization: string | null | undefined): Actor {
  const caller = serviceCallerFromAuthorization(secret, authorization, MEDIA_SERVICE_AUDIENCE);
  if (!isRole(caller.role)) throw new HttpProblem(401, 'service_token_invalid', `the service token names an unknown role ${JSON.stringify(caller.role)}`, { 'www-authenticate': 'Bearer' });
  return { accountId: caller.accountId, role: caller.role };
}

/** The verified caller of a route behind the service token (every route but the open ones). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new HttpProblem(401, 'service_token_invalid', 'the service token is missing or invalid', { 'www-authenticate': 'Bearer' });
  return request.actor;
}

/** Only customers upload; checked before a byte of the body is read. */
export function requireCustomer(request: FastifyRequest): Actor {
  const actor = actorOf(request);
  if (actor.role !== 'customer') throw new HttpProblem(403, 'forbidden', 'only customers upload media');
  return actor;
}

/**
 * The media service listens on an internal address and trusts only the gateway: every call but
 * health and metrics must carry a short-lived service token signed with MEDIA_SERVICE_SECRET.
 * Checked on request, so an unauthenticated body is never read (unknown routes are 401 too).
 */
export const serviceAuthPlugin = fp<{ secret: string }>(
  async (app, { secret }) => {
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.url !== undefined && openRoutes.has(request.routeOptions.url)) return;
      request.actor = actorFromAuthorization(secret, request.headers.authorization);
    });
  },
  { name: 'service-auth' },
);
