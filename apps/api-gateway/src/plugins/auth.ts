import fp from 'fastify-plugin';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ROLES, type Actor, type Role } from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';

interface AccessTokenClaims {
  sub: string;
  role: Role;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessTokenClaims;
    user: AccessTokenClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * onRequest hook: the caller must present a valid access token with one of `roles` (any role if empty).
     * It runs before the body is parsed or validated, so an anonymous or wrong-role caller gets 401/403,
     * never a 400 that describes the schema (nor do we parse their body at all).
     */
    requireRole(...roles: Role[]): onRequestAsyncHookHandler;
    issueAccessToken(actor: Actor): { accessToken: string; expiresInSeconds: number };
  }
  interface FastifyRequest {
    /** The verified caller; set by requireRole. */
    actor: Actor;
  }
}

export interface AuthPluginOptions {
  secret: string;
  accessTokenTtlSeconds: number;
}

const unauthenticated = (detail: string) =>
  new HttpProblem(401, 'unauthenticated', detail, { 'www-authenticate': 'Bearer realm="chucar"' });

/** Short-lived HS256 access tokens; the refresh side lives in the domain (stored, rotated). No session state lives in the process. */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, options) => {
    await app.register(jwt, {
      secret: options.secret,
      sign: { algorithm: 'HS256', expiresIn: options.accessTokenTtlSeconds },
      // Verified tokens are cached until they expire: an HMAC per request is the largest auth cost.
      verify: { algorithms: ['HS256'], cache: 10_000 },
    });
    app.decorateRequest('actor', null as unknown as Actor);

    app.decorate('issueAccessToken', (actor: Actor) => ({
      accessToken: app.jwt.sign({ sub: String(actor.accountId), role: actor.role }),
      expiresInSeconds: options.accessTokenTtlSeconds,
    }));

    app.decorate('requireRole', (...roles: Role[]) => {
      return async function requireRoleHook(request: FastifyRequest, _reply: FastifyReply) {
        if (!request.headers.authorization) throw unauthenticated('an access token is required (Authorization: Bearer …)');
        let claims: AccessTokenClaims;
        try {
          claims = await request.jwtVerify<AccessTokenClaims>();
        } catch (error) {
          const expired = (error as { code?: string }).code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED';
          throw unauthenticated(expired ? 'the access token has expired; refresh it' : 'the access token is invalid');
        }
        const accountId = Number(claims.sub);
        if (!Number.isSafeInteger(accountId) || !ROLES.includes(claims.role)) throw unauthenticated('the access token is invalid');
        request.actor = { accountId, role: claims.role };
        if (roles.length > 0 && !roles.includes(claims.role)) {
          throw new HttpProblem(403, 'forbidden', `this operation is for ${roles.join(' or ')} accounts`);
        }
      };
    });
  },
  { name: 'auth' },
);
