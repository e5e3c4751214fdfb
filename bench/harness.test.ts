import { describe, expect, it } from 'vitest';
import { formatTable, median, percentile, row } from './harness.ts';

describe('bench harness', () => {
  it('computes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
  });

  it('takes the middle value whatever the order, the upper middle of an even count, NaN of nothing', () => {
    expect(median([9.1, 2.5, 4])).toBe(4);
    expect(median([3, 1, 2, 4])).toBe(3);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('derives the ratio from the baseline and prints aligned columns', () => {
    const rows = [row('gateway req/s', 700, 'req/s', 1000), row('lag p50', 3, 'ms', null)];
    expect(rows[0]!.ratio).toBe(0.7);
    expect(rows[1]!.ratio).toBeNull();
    const table = formatTable(rows).split('\n');
    expect(table[0]).toMatch(/^name\s+figure\s+baseline\s+ratio\s+note$/);
    expect(table[2]).toMatch(/^gateway req\/s\s+700 req\/s\s+1000 req\/s\s+0\.70x$/);
  });
});
