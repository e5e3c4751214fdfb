import type { Redis } from 'ioredis';
import type { KeyHits, RateLimitStore, WindowCount } from './rate-limit-shared.ts';

/**
 * Rate-limit windows as Redis counters that expire with their window: one pipeline per batch
 * (INCRBY, PEXPIRE NX, PTTL per key), so a whole batch costs one round trip. One connection
 * answers in order, which the limiter relies on. PEXPIRE NX needs Redis 7.
 */
export function redisRateLimitStore(redis: Redis, keyPrefix: string): RateLimitStore {
  return {
    isAvailable: () => redis.status === 'ready',
    async add(batch: readonly KeyHits[], windowMs: number): Promise<WindowCount[]> {
      const pipeline = redis.pipeline();
      for (const { key, hits } of batch) {
        pipeline.incrby(keyPrefix + key, hits).pexpire(keyPrefix + key, windowMs, 'NX').pttl(keyPrefix + key);
      }
      const replies = (await pipeline.exec()) ?? [];
      return batch.map((_, index) => {
        const keyReplies = replies.slice(index * 3, index * 3 + 3);
        const failure = keyReplies.find(([error]) => error)?.[0];
        if (failure) throw failure;
        const [countReply, , ttlReply] = keyReplies;
        const ttlMs = Number(ttlReply?.[1]);
        // PTTL is negative only if the key vanished between the commands: treat it as a fresh window.
        return { count: Number(countReply?.[1]), ttlMs: ttlMs > 0 ? ttlMs : windowMs };
      });
    },
  };
}
