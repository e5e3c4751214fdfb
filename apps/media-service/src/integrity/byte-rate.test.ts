import { describe, expect, it } from 'vitest';
import { createBytePace } from './byte-rate.ts';

describe('byte pace of the full pass', () => {
  it('lets the first chunk through, then spaces chunks so bytes never run ahead of the rate', async () => {
    let nowMs = 0;
    const waits: number[] = [];
    const realSetTimeout = globalThis.setTimeout;
    // Time is simulated: each wait advances the clock by what the pace asked for.
    globalThis.setTimeout = ((resolve: () => void, ms: number) => {
      waits.push(ms);
      nowMs += ms;
      return realSetTimeout(resolve, 0);
    }) as typeof setTimeout;
    try {
      const pace = createBytePace(1000, () => nowMs);
      for (let chunk = 0; chunk < 5; chunk++) await pace.take(500);
      expect(waits).toEqual([500, 500, 500, 500]);
      expect(pace.bytesTaken).toBe(2500);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
  });

  it('does not save idle time up for a burst', async () => {
    let nowMs = 0;
    const pace = createBytePace(1000, () => nowMs);
    await pace.take(100);
    nowMs = 10_000;
    const started = Date.now();
    await pace.take(100);
    expect(Date.now() - started).toBeLessThan(50);
  });
});
