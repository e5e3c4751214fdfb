import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createRedis, type RedisRole, type RedisSettings } from '../redis/redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  settings: RedisSettings;
  role: RedisRole;
  /** Whether readiness fails while Redis is down (the queue of the media API) or only degrades. */
  critical: boolean;
  /** What the service loses while Redis is down, for the readiness detail. */
  impactWhenDown: string;
}

/** `app.redis` for one role, connected at ready (not fatal if Redis is away), with a readiness check. */
export const redisPlugin = fp<RedisPluginOptions>(
  async (app, { settings, role, critical, impactWhenDown }) => {
    const redis = createRedis(settings, role, app.log);
    app.decorate('redis', redis);
    app.addHealthCheck({
      name: 'redis',
      critical,
      probe: async () => {
        try {
          await redis.ping();
        } catch (error) {
          throw new Error(`${error instanceof Error ? error.message : String(error)}; ${impactWhenDown}`, { cause: error });
        }
      },
    });
    app.addHook('onReady', async () => {
      await redis.connect().catch((error: unknown) => app.log.error({ err: error }, `redis unavailable at start; ${impactWhenDown}`));
    });
    app.addHook('onClose', async () => {
      redis.disconnect();
    });
  },
  { name: 'redis', dependencies: ['health'] },
);
