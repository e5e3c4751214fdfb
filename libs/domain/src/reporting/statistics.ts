/**
 * The arithmetic of the reports, kept exact and documented so analysts can redo it by hand.
 * Percentiles interpolate linearly between the two nearest ranks (Excel's PERCENTILE.INC, R's
 * type 7): p of n sorted values sits at rank h = (n - 1) * p, between values ⌊h⌋ and ⌈h⌉.
 */

/** The p-th percentile (0 ≤ p ≤ 1) of values sorted ascending; null when there are none. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (p < 0 || p > 1) throw new RangeError(`a percentile lies between 0 and 1, not ${p}`);
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (n - 1) * p;
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const below = sorted[lower]!;
  return below + (sorted[upper]! - below) * (rank - lower);
}

/** `part` as a percentage of `whole`; null when `whole` is 0 (no rate rather than a false 0 %). */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : (part / whole) * 100;
}

export function ratioOf(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function roundTo(value: number | null, digits: number): number | null {
  if (value === null) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Numbers collected for a percentile, in a typed array that grows by doubling: eight bytes a
 * value, no boxed numbers, so a million values cost 8 MB rather than tens.
 */
export class ValueCollector {
  #values = new Float64Array(16);
  #length = 0;
  #sum = 0;

  push(value: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length++] = value;
    this.#sum += value;
  }

  get count(): number {
    return this.#length;
  }

  mean(): number | null {
    return this.#length === 0 ? null : this.#sum / this.#length;
  }

  /** Empties the collector for the next group, keeping its storage. */
  clear(): void {
    this.#length = 0;
    this.#sum = 0;
  }

  /** Sorts in place and returns the percentiles asked for, in order. */
  percentiles(...ps: number[]): (number | null)[] {
    const sorted = this.#values.subarray(0, this.#length).sort();
    return ps.map((p) => percentileOfSorted(sorted, p));
  }
}
