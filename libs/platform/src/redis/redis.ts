import { Redis, type RedisOptions } from 'ioredis';
import type { EnvValues } from '../config/env.ts';
import type { redisEnv } from '../config/specs.ts';

export type RedisSettings = EnvValues<typeof redisEnv>;

/**
 * What a client is for decides how it behaves while Redis is away:
 * - `producer` (adds BullMQ jobs, checks locks): fails at once instead of queueing commands, so a
 *   request never hangs on an outage and the caller can fall back (the spool keeps the upload);
 * - `worker` (BullMQ Worker/QueueEvents): blocking commands with no retry limit, which BullMQ
 *   requires; it reconnects and resumes by itself;
 * - `client` (rate limits, counters): fails at once, each command bounded by a timeout.
 */
export type RedisRole = 'producer' | 'worker' | 'client';

export function redisOptions(settings: RedisSettings, role: RedisRole): RedisOptions {
  const common: RedisOptions = {
    host: settings.REDIS_HOST,
    port: settings.REDIS_PORT,
    ...(settings.REDIS_PASSWORD ? { password: settings.REDIS_PASSWORD } : {}),
    connectTimeout: settings.REDIS_CONNECT_TIMEOUT_MS,
    lazyConnect: true,
  };
  switch (role) {
    case 'worker':
      return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true };
    case 'producer':
    case 'client':
      return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: settings.REDIS_CONNECT_TIMEOUT_MS };
  }
}

/** The two log calls the client makes; pino and fastify's logger both fit. */
export interface RedisLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

/** A Redis client for one role; errors are logged once per distinct message, not per retry. */
export function createRedis(settings: RedisSettings, role: RedisRole, logger: RedisLogger): Redis {
  const redis = new Redis(redisOptions(settings, role));
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: error, role }, 'redis error');
  });
  redis.on('ready', () => {
    if (lastError) logger.info({ role }, 'redis reachable again');
    lastError = '';
  });
  return redis;
}
