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

  /**
   * The percentiles asked for, in order, as percentileOfSorted gives them, found by selection: a
   * report asks two of thousands of values per period, and sorting them all was the largest cost
   * its own code added to reading the rows (Float64Array sort runs a merge sort with a comparison
   * call per step). Reorders the values in place.
   */
  percentiles(...ps: number[]): (number | null)[] {
    const values = this.#values.subarray(0, this.#length);
    return ps.map((p) => percentileBySelection(values, p));
  }
}

/** The p-th percentile (PERCENTILE.INC) of `values` in any order, reordering them; null when there are none. */
export function percentileBySelection(values: Float64Array, p: number): number | null {
  if (p < 0 || p > 1) throw new RangeError(`a percentile lies between 0 and 1, not ${p}`);
  const n = values.length;
  if (n === 0) return null;
  const rank = (n - 1) * p;
  const lower = Math.floor(rank);
  const below = selectInPlace(values, lower);
  if (rank === lower) return below;
  // Selection leaves every value after `lower` at or above it: the next rank is their minimum.
  let above = Number.POSITIVE_INFINITY;
  for (let index = lower + 1; index < n; index++) if (values[index]! < above) above = values[index]!;
  return below + (above - below) * (rank - lower);
}

/**
 * Hoare's quickselect with a median-of-three pivot: puts the k-th smallest value at `k`, smaller or
 * equal ones before it and larger or equal ones after, in linear time on average. Equal values
 * stop both scans, so runs of one value (whole minutes, round prices) do not make it quadratic.
 */
function selectInPlace(values: Float64Array, k: number): number {
  const swap = (i: number, j: number) => {
    const value = values[i]!;
    values[i] = values[j]!;
    values[j] = value;
  };
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const middle = (left + right) >>> 1;
    if (values[middle]! < values[left]!) swap(middle, left);
    if (values[right]! < values[left]!) swap(right, left);
    if (values[right]! < values[middle]!) swap(right, middle);
    const pivot = values[middle]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        swap(i, j);
        i++;
        j--;
      }
    }
    // Now values[left..j] <= pivot <= values[i..right], and anything between equals the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}
