import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchPhases, formatTable, median, percentile, row } from './harness.ts';

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

  describe('benchPhases', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    });
    const exits = () => {
      const exit = vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
        throw new Error(`exit ${code}`);
      }) as never);
      const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
      return { exit, printed };
    };

    it('runs every phase when the variable is unset, and the listed ones when set', () => {
      vi.stubEnv('BENCH_TEST_PHASES', undefined);
      expect(benchPhases('BENCH_TEST_PHASES', ['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
      vi.stubEnv('BENCH_TEST_PHASES', ' c, a');
      expect(benchPhases('BENCH_TEST_PHASES', ['a', 'b', 'c'])).toEqual(['c', 'a']);
    });

    it('ends the run with exit 2 and one line naming the variable for an unknown phase or a refused list', () => {
      const { exit, printed } = exits();
      vi.stubEnv('BENCH_TEST_PHASES', 'a,x');
      expect(() => benchPhases('BENCH_TEST_PHASES', ['a', 'b'])).toThrow('exit 2');
      expect(printed).toHaveBeenLastCalledWith('BENCH_TEST_PHASES: a comma-separated list of a, b, not "a,x"');
      vi.stubEnv('BENCH_TEST_PHASES', 'b');
      expect(() => benchPhases('BENCH_TEST_PHASES', ['a', 'b'], (phases) => phases.includes('a'), 'a, or a,b')).toThrow('exit 2');
      expect(printed).toHaveBeenLastCalledWith('BENCH_TEST_PHASES: a, or a,b, not "b"');
      expect(exit).toHaveBeenCalledTimes(2);
    });
  });
});
