/**
 * A small seeded PRNG (sfc32, by Chris Doty-Humphrey) and the draws the generator needs.
 * Every request draws from its own stream, derived from (seed, stream, index), so a row does
 * not depend on how the run is cut into batches.
 */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform real in [min, max). */
  between(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Log-normal with the given median; `spread` is the sigma of the underlying normal. */
  logNormal(median: number, spread: number): number;
};

/** Folds any number of 32-bit integers into four well-mixed state words (murmur3 finaliser). */
function mixSeed(parts: readonly number[]): [number, number, number, number] {
  let h = 0x9e3779b9;
  const words: number[] = [];
  for (let round = 0; round < 4; round += 1) {
    for (const part of parts) {
      h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
      h = (h << 13) | (h >>> 19);
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    words.push(h >>> 0);
    h = (h + 0x6d2b79f5) | 0;
  }
  return words as [number, number, number, number];
}

export function createRandom(...seedParts: number[]): Random {
  let [a, b, c, d] = mixSeed(seedParts);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // Warm up: the first outputs of sfc32 still show the seed's structure.
  for (let i = 0; i < 12; i += 1) next();

  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    logNormal(median, spread) {
      // Box-Muller; 1 - next() keeps the logarithm finite.
      const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return median * Math.exp(spread * normal);
    },
  };
  return random;
}

/** Stream ids, so the same seed gives independent draws for accounts, requests, and so on. */
export const STREAMS = { customers: 1, dealers: 2, requests: 3 } as const;

/** Picks items by weight in O(log n); build once, draw many times. */
export type WeightedPicker<T> = (random: Random) => T;

export function weightedPicker<T>(entries: readonly (readonly [item: T, weight: number])[]): WeightedPicker<T> {
  const items = entries.filter(([, weight]) => weight > 0).map(([item]) => item);
  const cumulative = cumulativeSums(entries.filter(([, weight]) => weight > 0).map(([, weight]) => weight));
  if (items.length === 0) throw new Error('weightedPicker needs at least one positive weight');
  return (random) => items[upperBound(cumulative, random.next() * (cumulative[cumulative.length - 1] ?? 0))] as T;
}

export function cumulativeSums(weights: readonly number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => {
    total += weight;
    sums[index] = total;
  });
  return sums;
}

/** The first index whose value is greater than `value` (sorted ascending input). */
export function upperBound(sorted: ArrayLike<number>, value: number, end = sorted.length): number {
  let low = 0;
  let high = end;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return Math.min(low, Math.max(end - 1, 0));
}

/** How many values are at most `value` (sorted ascending input). */
export function countAtMost(sorted: ArrayLike<number>, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
