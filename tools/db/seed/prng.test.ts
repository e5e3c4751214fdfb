import { describe, expect, it } from 'vitest';
import { countAtMost, createRandom, weightedPicker } from './prng.ts';

describe('createRandom', () => {
  it('repeats the same sequence for the same seed parts, and another for other parts', () => {
    const draw = (...parts: number[]) => {
      const random = createRandom(...parts);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw(1, 2, 3)).toEqual(draw(1, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 2, 4));
    expect(draw(1, 2, 3)).not.toEqual(draw(2, 2, 3));
  });

  it('stays in range and looks uniform', () => {
    const random = createRandom(42);
    const buckets = new Array<number>(10).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const value = random.next();
      if (value < 0 || value >= 1) outOfRange += 1;
      else buckets[Math.floor(value * 10)]! += 1;
    }
    expect(outOfRange).toBe(0);
    for (const bucket of buckets) expect(Math.abs(bucket - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i += 1) {
      const value = random.int(3, 5);
      expect([3, 4, 5]).toContain(value);
    }
  });
});

describe('weightedPicker', () => {
  it('picks in proportion to the weights and never a zero weight', () => {
    const pick = weightedPicker([['a', 1], ['b', 3], ['never', 0]] as const);
    const random = createRandom(7);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 40_000; i += 1) counts[pick(random)] += 1;
    expect(counts.never).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });
});

describe('countAtMost', () => {
  it('counts the sorted values not above the bound', () => {
    const sorted = [1, 2, 2, 5, 9];
    expect(countAtMost(sorted, 0)).toBe(0);
    expect(countAtMost(sorted, 2)).toBe(3);
    expect(countAtMost(sorted, 100)).toBe(5);
  });
});
