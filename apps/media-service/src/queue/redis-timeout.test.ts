import { describe, expect, it } from 'vitest';
import { giveUpReason } from '../worker/give-up.ts';
import { withRedisTimeout } from './redis-timeout.ts';

describe('withRedisTimeout', () => {
  it('passes an answer in time through', async () => {
    await expect(withRedisTimeout(Promise.resolve('PONG'), 50)).resolves.toBe('PONG');
  });

  it('rejects a call that hangs, naming it and Redis', async () => {
    const hangs = new Promise<never>(() => undefined);
    await expect(withRedisTimeout(hangs, 10, 'adding store')).rejects.toThrow('adding store: no answer from Redis within 10 ms');
  });

  it('keeps a timed-out store job from giving up: its error reads as Redis trouble', async () => {
    const error = await withRedisTimeout(new Promise<never>(() => undefined), 5).catch((caught: unknown) => caught);
    expect(giveUpReason(error, 5, 5)).toBeNull();
  });
});
