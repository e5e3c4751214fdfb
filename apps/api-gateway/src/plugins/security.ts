import fp from 'fastify-plugin';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.ts';
import { rateLimitPlugin } from './rate-limit.ts';
import { apiSecurityHeaders, isApiPath, staticSecurityHeaders } from './security-headers.ts';
import { HttpProblem, requestIdHeader } from '@chucar/platform';
import { consistencyHeader, readLagBoundHeader, readSourceHeader } from './request-context.ts';

/** Resumable uploads from a browser (tus, under /v1/uploads) send and read these. */
const tusRequestHeaders = ['tus-resumable', 'upload-length', 'upload-offset', 'upload-metadata', 'upload-defer-length'];
const tusResponseHeaders = ['location', 'tus-resumable', 'tus-version', 'tus-extension', 'tus-max-size', 'upload-offset', 'upload-length', 'upload-expires', 'x-media-id', 'x-media-location'];

const TUS_PATH = /^\/v1\/uploads(?:[/?]|$)/;

/**
 * A tus client may ask the server's version, extensions and size limit with a plain OPTIONS (no
 * Access-Control-Request-Method): that request is forwarded like the rest of tus, not answered as
 * a CORS preflight.
 */
function isTusDiscovery(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && !request.headers['access-control-request-method'] && TUS_PATH.test(request.url);
}

export const securityPlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    // Documents (the docs UI, the web client's files): helmet's whole set; the docs UI needs inline styles and scripts.
    const documentHeaders = staticSecurityHeaders({
      contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': config.NODE_ENV === 'production' ? [] : null, 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } },
    });
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(isApiPath(request.url) ? apiSecurityHeaders : documentHeaders);
      // @fastify/cors answers a malformed preflight in plain text; every error here is problem+json.
      if (request.method === 'OPTIONS' && (!request.headers.origin || !request.headers['access-control-request-method']) && !isTusDiscovery(request)) {
        return done(new HttpProblem(400, 'invalid_preflight', 'an OPTIONS request is a CORS preflight: it needs Origin and Access-Control-Request-Method'));
      }
      done();
    });
    const corsOptions: FastifyCorsOptions = {
      origin: config.CORS_ORIGINS,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', requestIdHeader, consistencyHeader, ...tusRequestHeaders],
      exposedHeaders: [requestIdHeader, consistencyHeader, readSourceHeader, readLagBoundHeader, 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', ...tusResponseHeaders],
      maxAge: 600,
    };
    // CORS off for a tus discovery request, so that @fastify/cors lets it reach its route, and for
    // a request without Origin: it is not a CORS request, and the credentials and expose-headers
    // lines (about 330 bytes) would go to every app and server client for nothing. Vary: Origin stays.
    const noCors: FastifyCorsOptions = { origin: false };
    await app.register(cors, { delegator: (request, callback) => callback(null, request.headers.origin === undefined || isTusDiscovery(request) ? noCors : corsOptions) });
    // Off only where something in front (an API gateway, the load balancer) already limits clients.
    if (config.RATE_LIMIT_ENABLED) {
      await app.register(rateLimitPlugin, {
        max: config.RATE_LIMIT_MAX,
        windowMs: config.RATE_LIMIT_WINDOW_MS,
        syncIntervalMs: config.RATE_LIMIT_SYNC_INTERVAL_MS,
        syncBatchSize: config.RATE_LIMIT_SYNC_BATCH,
        redisKeyPrefix: `${config.GATEWAY_REDIS_KEY_PREFIX}ratelimit:`,
      });
    }
  },
  { name: 'security' },
);
