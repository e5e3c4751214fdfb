import { describe, expect, it } from 'vitest';
import { redisOptions } from './redis.ts';

const settings = { REDIS_HOST: '127.0.0.1', REDIS_PORT: 6380, REDIS_PASSWORD: '', REDIS_CONNECT_TIMEOUT_MS: 700 };

describe('Redis clients by role', () => {
  it('BullMQ workers retry blocking commands forever, as BullMQ requires', () => {
    expect(redisOptions(settings, 'worker')).toMatchObject({ maxRetriesPerRequest: null, enableOfflineQueue: true });
    expect(redisOptions(settings, 'worker')).not.toHaveProperty('commandTimeout');
  });

  it('producers and plain clients fail fast while Redis is away, each command bounded', () => {
    for (const role of ['producer', 'client'] as const) {
      expect(redisOptions(settings, role)).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 700, connectTimeout: 700 });
    }
  });

  it('sends a password only when one is set', () => {
    expect(redisOptions(settings, 'client')).not.toHaveProperty('password');
    expect(redisOptions({ ...settings, REDIS_PASSWORD: 's3cret' }, 'client')).toMatchObject({ password: 's3cret' });
  });
});
