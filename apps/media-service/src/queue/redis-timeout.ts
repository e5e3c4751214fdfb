import { withTimeout } from '@chucar/platform';

/**
 * Rejects with the kit's `TimeoutError` when Redis has not answered within `timeoutMs`, so a dead
 * connection never blocks the caller (ioredis queues commands while it reconnects). The message
 * always names Redis: the store job's give-up rule (worker/give-up.ts) reads it as an outage.
 */
export function withRedisTimeout<T>(work: Promise<T>, timeoutMs: number, what = 'call'): Promise<T> {
  return withTimeout(work, timeoutMs, `Redis ${what}`);
}
