import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '@chucar/platform';
import { SharedRateLimiter, type RateLimitSettings } from './rate-limit-shared.ts';
import { redisRateLimitStore } from './rate-limit-redis-store.ts';

/** Authorization headers whose key was hashed already: a client sends the same token for minutes. */
const keyByAuthorization = new Map<string, string>();
const rememberedKeysMax = 10_000;

/**
 * The bearer token identifies a client session better than an address shared behind NAT. Its
 * hash is remembered per header value (a SHA-256 per request was a tenth of the limit's cost);
 * the memory is emptied when full, so any headers a client invents cost at most that many entries.
 */
export function rateLimitKey(request: Pick<FastifyRequest, 'headers' | 'ip'>): string {
  const authorization = request.headers.authorization;
  if (authorization === undefined) return `ip:${request.ip}`;
  const remembered = keyByAuthorization.get(authorization);
  if (remembered !== undefined) return remembered;
  const bearer = bearerToken(authorization);
  if (!bearer.ok) return `ip:${request.ip}`;
  const key = `token:${createHash('sha256').update(bearer.token).digest('base64url').slice(0, 22)}`;
  if (keyByAuthorization.size >= rememberedKeysMax) keyByAuthorization.clear();
  keyByAuthorization.set(authorization, key);
  return key;
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
      const decision = limiter.hit(rateLimitKey(request));
      const resetSeconds = Math.ceil(decision.resetMs / 1000);
      reply.header('ratelimit-limit', decision.limit).header('ratelimit-remaining', decision.remaining).header('ratelimit-reset', resetSeconds);
      if (decision.allowed) return done();
      reply.header('retry-after', resetSeconds);
      done(rateLimitedError(settings.max, settings.windowMs));
    });
  },
  { name: 'rate-limit', dependencies: ['redis'] },
);
