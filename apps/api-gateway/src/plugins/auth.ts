import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { ROLES, type Actor, type Role } from '@chucar/domain';
import { HttpProblem, createAccessTokenSigner, createAccessTokenVerifier, type AccessTokenCheck } from '@chucar/platform';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * onRequest hook: the caller must present a valid access token with one of `roles` (any role if empty).
     * It runs before the body is parsed or validated, so an anonymous or wrong-role caller gets 401/403,
     * never a 400 that describes the schema (nor do we parse their body at all).
     */
    requireRole(...roles: Role[]): onRequestHookHandler;
    issueAccessToken(actor: Actor): { accessToken: string; expiresInSeconds: number };
    /**
     * Verifies the request's bearer token once per request, for requireRole and for hooks that run
     * before it (the rate limit counts a verified account): later calls get the first answer.
     */
    authenticateRequest(request: FastifyRequest): AccessTokenCheck<Role>;
  }
  interface FastifyRequest {
    /** The verified caller; set by requireRole. */
    actor: Actor;
    /** The verdict on the request's access token, once authenticateRequest has run. */
    accessTokenCheck: AccessTokenCheck<Role> | null;
  }
}

export interface AuthPluginOptions {
  secret: string;
  accessTokenTtlSeconds: number;
}

/** Short-lived HS256 access tokens; the refresh side lives in the domain (stored, rotated). No session state lives in the process. */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, options) => {
    const signAccessToken = createAccessTokenSigner({ secret: options.secret, ttlSeconds: options.accessTokenTtlSeconds });
    // Verified tokens are cached until they expire: an HMAC per request is the largest auth cost.
    const accessTokens = createAccessTokenVerifier({ secret: options.secret, roles: ROLES, maxAgeSeconds: options.accessTokenTtlSeconds, cacheSize: 10_000 });
    app.decorateRequest('actor', null as unknown as Actor);
    app.decorateRequest('accessTokenCheck', null);
    app.decorate('authenticateRequest', (request: FastifyRequest) => (request.accessTokenCheck ??= accessTokens.authenticate(request.headers.authorization)));

    app.decorate('issueAccessToken', (actor: Actor) => ({
      accessToken: signAccessToken(actor),
      expiresInSeconds: options.accessTokenTtlSeconds,
    }));

    app.decorate('requireRole', (...roles: Role[]) => {
      // A callback hook, not async: it runs on every authenticated request.
      return function requireRoleHook(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
        const check = app.authenticateRequest(request);
        if (!check.ok) return done(check.problem);
        const { accountId, role } = check.claims;
        request.actor = { accountId, role };
        if (roles.length > 0 && !roles.includes(role)) return done(new HttpProblem(403, 'forbidden', `this operation is for ${roles.join(' or ')} accounts`));
        done();
      };
    });
  },
  { name: 'auth' },
);
