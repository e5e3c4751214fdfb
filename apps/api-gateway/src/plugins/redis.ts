import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export const redisPlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    const redis = new Redis({
      host: config.REDIS_HOST,
      port: config.REDIS_PORT,
      ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}),
      connectTimeout: config.REDIS_CONNECT_TIMEOUT_MS,
      commandTimeout: config.REDIS_CONNECT_TIMEOUT_MS,
      // Fail fast while Redis is away instead of queueing commands behind a request.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
    app.decorate('redis', redis);
    app.addHook('onReady', async () => {
      await redis.connect().catch((error: unknown) => app.log.error({ err: error }, 'redis unavailable at start; rate limits fail open'));
    });
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  },
  { name: 'redis' },
);
