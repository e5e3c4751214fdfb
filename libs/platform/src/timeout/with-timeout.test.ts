import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError, withTimeout } from './with-timeout.ts';

describe('withTimeout', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes through a result that arrives in time', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'the answer')).resolves.toBe(42);
  });

  it('passes through the work’s own error', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, 'connecting')).rejects.toThrow('refused');
  });

  it('rejects with a TimeoutError naming the work once the time is up', async () => {
    vi.useFakeTimers();
    const hanging = new Promise<never>(() => {});
    const result = withTimeout(hanging, 250, 'pinging Redis');
    const assertion = expect(result).rejects.toMatchObject({ name: 'TimeoutError', what: 'pinging Redis', timeoutMs: 250, message: 'pinging Redis: no answer within 250 ms' });
    await vi.advanceTimersByTimeAsync(249);
    await vi.advanceTimersByTimeAsync(1);
    await assertion;
    await expect(result).rejects.toBeInstanceOf(TimeoutError);
  });

  it('clears its timer when the work settles, so no timer keeps the process alive', async () => {
    vi.useFakeTimers();
    await withTimeout(Promise.resolve('done'), 60_000, 'quick work');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('aborts the signal it hands to the work when the time is up', async () => {
    let seen: AbortSignal | undefined;
    const work = (signal: AbortSignal) => {
      seen = signal;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled by signal'))));
    };
    await expect(withTimeout(work, 20, 'a slow fetch')).rejects.toBeInstanceOf(TimeoutError);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(TimeoutError);
  });

  it('stops early with the caller’s reason when the caller’s signal aborts', async () => {
    const caller = new AbortController();
    const result = withTimeout(new Promise<never>(() => {}), 60_000, 'waiting', { signal: caller.signal });
    caller.abort(new Error('shutting down'));
    await expect(result).rejects.toThrow('shutting down');
  });

  it('does not start work for a caller that has already aborted', async () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const work = vi.fn(() => Promise.resolve(1));
    await expect(withTimeout(work, 1000, 'late work', { signal: caller.signal })).rejects.toThrow('gone');
    expect(work).not.toHaveBeenCalled();
  });
});
