import { createHash } from 'node:crypto';
import fp from 'fastify-plugin';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { GatewayConfig } from '../config.ts';
import { consistencyHeader, requestIdHeader } from './request-context.ts';

/** The bearer token identifies a client session better than an address shared behind NAT. */
function rateLimitKey(request: { headers: Record<string, string | string[] | undefined>; ip: string }): string {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
    return `token:${createHash('sha256').update(authorization).digest('base64url').slice(0, 22)}`;
  }
  return `ip:${request.ip}`;
}

export const securityPlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    await app.register(helmet, {
      // The docs UI needs inline styles and scripts; the API itself serves only JSON.
      contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': config.NODE_ENV === 'production' ? [] : null, 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } },
    });
    await app.register(cors, {
      origin: config.CORS_ORIGINS,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', requestIdHeader, consistencyHeader],
      exposedHeaders: [requestIdHeader, consistencyHeader, 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
      maxAge: 600,
    });
    // Off only where something in front (an API gateway, the load balancer) already limits clients.
    if (config.RATE_LIMIT_ENABLED) await app.register(rateLimit, {
      global: true,
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_MS,
      redis: app.redis,
      nameSpace: 'chucar:ratelimit:',
      // Shared across gateway instances through Redis; if Redis is down, requests are let through.
      skipOnError: true,
      keyGenerator: rateLimitKey,
      allowList: (request) => request.url.startsWith('/health/') || request.url === '/metrics',
      enableDraftSpec: true,
      errorResponseBuilder: (_request, context) => {
        const error = new Error(`rate limit of ${context.max} requests per ${context.after} exceeded`) as Error & { statusCode: number };
        error.statusCode = 429;
        return error;
      },
    });
  },
  { name: 'security', dependencies: ['redis'] },
);
