import { describe, expect, it } from 'vitest';
import { TimeoutError } from '@chucar/platform';
import { giveUpReason } from '../worker/give-up.ts';
import { withRedisTimeout } from './redis-timeout.ts';

describe('withRedisTimeout', () => {
  it('passes an answer in time through', async () => {
    await expect(withRedisTimeout(Promise.resolve('PONG'), 50)).resolves.toBe('PONG');
  });

  it('rejects a call that hangs with a TimeoutError naming the call and Redis', async () => {
    const hangs = new Promise<never>(() => undefined);
    const error = await withRedisTimeout(hangs, 10, 'adding store').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe('Redis adding store: no answer within 10 ms');
  });

  it('keeps a timed-out store job from giving up: its error reads as Redis trouble', async () => {
    const error = await withRedisTimeout(new Promise<never>(() => undefined), 5).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/\bRedis\b/);
    expect(giveUpReason(error, 5, 5)).toBeNull();
  });
});
