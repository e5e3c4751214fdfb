import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import type { AccessTokenCheck } from '@chucar/platform';
import { SharedRateLimiter, type RateLimitSettings } from './rate-limit-shared.ts';
import { redisRateLimitStore } from './rate-limit-redis-store.ts';

/**
 * A signed-in client is counted by its account, wherever it connects from (clients behind one NAT
 * address stay apart, and one account's sessions share a limit); anything else, including a
 * token that does not verify, by its address. Keying by the token as sent let a client escape
 * its limit with a new made-up token per request, each a fresh count and a fresh Redis key.
 * `authenticate` is the auth plugin's once-per-request verification, which requireRole reuses.
 */
export function rateLimitKey<R extends Pick<FastifyRequest, 'headers' | 'ip'>>(request: R, authenticate: (request: R) => AccessTokenCheck<string>): string {
  if (request.headers.authorization === undefined) return `ip:${request.ip}`;
  const check = authenticate(request);
  return check.ok ? `account:${check.claims.accountId}` : `ip:${request.ip}`;
}

/** The load balancer's health checks and Prometheus' scrapes are never limited. */
function isExempt(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics';
}

function rateLimitedError(max: number, windowMs: number): Error & { statusCode: number } {
  return Object.assign(new Error(`rate limit of ${max} requests per ${windowMs / 1000} s exceeded`), { statusCode: 429 });
}

/**
 * Per-client limits shared across gateway instances through Redis, decided locally (see
 * rate-limit-shared.ts for the batching and its tolerance). Answers carry the RateLimit draft
 * headers; a refusal is a 429 with Retry-After, which the problem handler turns into problem+json.
 */
export const rateLimitPlugin = fp<RateLimitSettings & { redisKeyPrefix: string }>(
  async (app, settings) => {
    let warnedAt = Number.NEGATIVE_INFINITY;
    const limiter = new SharedRateLimiter(settings, redisRateLimitStore(app.redis, settings.redisKeyPrefix), {
      // A sync runs every few milliseconds: one warning a minute says enough while Redis is away.
      onSyncFailure: (error) => {
        if (Date.now() - warnedAt < 60_000) return;
        warnedAt = Date.now();
        app.log.warn({ err: error }, 'rate-limit counts could not reach Redis; failing open');
      },
    });
    app.addHook('onReady', async () => limiter.start());
    app.addHook('onClose', async () => limiter.stop());

    // A callback hook, not async: no promise per request on the hot path.
    app.addHook('onRequest', (request, reply, done) => {
      if (isExempt(request.url)) return done();
      const decision = limiter.hit(rateLimitKey(request, app.authenticateRequest));
      const resetSeconds = Math.ceil(decision.resetMs / 1000);
      reply.header('ratelimit-limit', decision.limit).header('ratelimit-remaining', decision.remaining).header('ratelimit-reset', resetSeconds);
      if (decision.allowed) return done();
      reply.header('retry-after', resetSeconds);
      done(rateLimitedError(settings.max, settings.windowMs));
    });
  },
  { name: 'rate-limit', dependencies: ['redis', 'auth'] },
);
