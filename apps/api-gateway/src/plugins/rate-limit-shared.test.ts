import { describe, expect, it } from 'vitest';
import { SharedRateLimiter, type KeyHits, type RateLimitSettings, type RateLimitStore, type WindowCount } from './rate-limit-shared.ts';

/** Fixed windows in memory on a fake clock, standing in for Redis's expiring counters. */
class MemoryStore implements RateLimitStore {
  available = true;
  failNext = false;
  readonly batches: KeyHits[][] = [];
  private readonly counters = new Map<string, { count: number; endsAt: number }>();
  private readonly clock: { now: number };
  constructor(clock: { now: number }) {
    this.clock = clock;
  }

  isAvailable(): boolean {
    return this.available;
  }

  async add(batch: readonly KeyHits[], windowMs: number): Promise<WindowCount[]> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('store unreachable');
    }
    this.batches.push([...batch]);
    return batch.map(({ key, hits }) => {
      let counter = this.counters.get(key);
      if (!counter || this.clock.now >= counter.endsAt) {
        counter = { count: 0, endsAt: this.clock.now + windowMs };
        this.counters.set(key, counter);
      }
      counter.count += hits;
      return { count: counter.count, ttlMs: counter.endsAt - this.clock.now };
    });
  }
}

const settings: RateLimitSettings = { max: 10, windowMs: 60_000, syncIntervalMs: 100, syncBatchSize: 3 };

function setup(overrides: Partial<RateLimitSettings> = {}) {
  const clock = { now: 1_000_000 };
  const store = new MemoryStore(clock);
  const instance = () => new SharedRateLimiter({ ...settings, ...overrides }, store, { now: () => clock.now });
  return { clock, store, instance };
}

function admitted(limiter: SharedRateLimiter, key: string, requests: number): number {
  let allowed = 0;
  for (let i = 0; i < requests; i++) if (limiter.hit(key).allowed) allowed += 1;
  return allowed;
}

/** Lets the store's answers to batches already sent settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SharedRateLimiter', () => {
  it('alone, admits exactly max per window and reports what remains and when it resets', async () => {
    const { clock, instance } = setup();
    const limiter = instance();
    const decisions = Array.from({ length: 11 }, () => limiter.hit('client'));
    expect(decisions.map((decision) => decision.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0]);
    expect(decisions.map((decision) => decision.allowed)).toEqual([...Array(10).fill(true), false]);
    expect(decisions[10]).toEqual({ allowed: false, limit: 10, remaining: 0, resetMs: 60_000 });

    await settle();
    clock.now += 20_000;
    expect(limiter.hit('client')).toMatchObject({ allowed: false, resetMs: 40_000 });
    clock.now += 40_000;
    expect(limiter.hit('client')).toMatchObject({ allowed: true, remaining: 9, resetMs: 60_000 });
  });

  it('pushes a key after syncBatchSize hits, and the other keys at the next sync, in one batch', async () => {
    const { store, instance } = setup();
    const limiter = instance();
    admitted(limiter, 'a', 2);
    admitted(limiter, 'b', 1);
    expect(store.batches).toEqual([]);
    limiter.hit('a');
    expect(store.batches).toEqual([[{ key: 'a', hits: 3 }]]);
    admitted(limiter, 'a', 1);
    await limiter.sync();
    expect(store.batches[1]).toEqual([{ key: 'a', hits: 1 }, { key: 'b', hits: 1 }]);
  });

  it('learns what other instances counted and refuses locally once the shared window is full', async () => {
    const { store, instance } = setup();
    const first = instance();
    const second = instance();
    expect(admitted(first, 'client', 9)).toBe(9);
    await first.sync();
    // The second instance has not heard of those yet: it admits up to its batch before it learns.
    expect(admitted(second, 'client', 3)).toBe(3);
    await settle();
    const batchesBefore = store.batches.length;
    expect(admitted(second, 'client', 5)).toBe(0);
    expect(second.hit('client')).toMatchObject({ allowed: false, remaining: 0 });
    expect(store.batches.length).toBe(batchesBefore);
  });

  it('overshoots max by at most instances × syncBatchSize when every instance is hit at once', async () => {
    const instances = 4;
    const { instance } = setup({ max: 100, syncBatchSize: 5 });
    const limiters = Array.from({ length: instances }, instance);
    let total = 0;
    // Round-robin load, the answers of each round's pushes arriving before the next round.
    for (let round = 0; round < 100; round++) {
      for (const limiter of limiters) total += admitted(limiter, 'client', 1);
      await settle();
    }
    expect(total).toBeGreaterThanOrEqual(100);
    expect(total).toBeLessThanOrEqual(100 + instances * 5);
  });

  it('starts over when the window ends, with the store’s time to live', async () => {
    const { clock, instance } = setup({ windowMs: 1000 });
    const limiter = instance();
    expect(admitted(limiter, 'client', 12)).toBe(10);
    await settle();
    clock.now += 1000;
    expect(limiter.hit('client')).toMatchObject({ allowed: true, remaining: 9, resetMs: 1000 });
    await limiter.sync();
    clock.now += 250;
    expect(limiter.hit('client')).toMatchObject({ allowed: true, remaining: 8, resetMs: 750 });
  });

  it('fails open while the store is unavailable, and forgets hits it could not push', async () => {
    const { store, instance } = setup();
    const limiter = instance();
    store.available = false;
    expect(admitted(limiter, 'client', 20)).toBe(20);
    expect(limiter.hit('client')).toEqual({ allowed: true, limit: 10, remaining: 10, resetMs: 0 });

    store.available = true;
    admitted(limiter, 'client', 2);
    store.failNext = true;
    await limiter.sync();
    expect(admitted(limiter, 'client', 10)).toBe(10);
  });

  it('forgets windows that ended once nothing is left to push', async () => {
    const { clock, store, instance } = setup({ windowMs: 1000 });
    const limiter = instance();
    limiter.hit('gone');
    limiter.hit('kept');
    await limiter.sync();
    clock.now += 500;
    limiter.hit('kept');
    clock.now += 500;
    await limiter.sync();
    expect(limiter.trackedKeyCount()).toBe(1);
    // The late hit reached the store after its window ended, so it opened the next one.
    clock.now += 1000;
    await limiter.sync();
    expect(limiter.trackedKeyCount()).toBe(0);
    expect(store.batches).toEqual([[{ key: 'gone', hits: 1 }, { key: 'kept', hits: 1 }], [{ key: 'kept', hits: 1 }]]);
  });
});
