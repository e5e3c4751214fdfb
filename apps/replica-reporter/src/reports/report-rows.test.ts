import { describe, expect, it } from 'vitest';
import type { ReportRow } from '@chucar/domain';
import { ReportRows, allRows, type RowsOutcome } from './report-rows.ts';

const row = (n: number): ReportRow => ({ period: `p${n}`, requests: n });

/** Batches as computeReport yields them, recording how far the source got and whether it was closed. */
function source(batches: ReportRow[][], options: { failAfter?: number } = {}) {
  const seen = { yielded: 0, closed: false };
  async function* generate(): AsyncGenerator<ReportRow[]> {
    try {
      for (const [index, batch] of batches.entries()) {
        if (options.failAfter === index) throw new Error('the replica stopped the statement');
        await new Promise((resolve) => setImmediate(resolve));
        seen.yielded += 1;
        yield batch;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { batches: generate(), seen };
}

describe('ReportRows: a report’s rows as they are computed', () => {
  it('hands on every row in order, counting them, and reports the end once', async () => {
    const { batches } = source([[row(1), row(2)], [], [row(3)]]);
    const ends: RowsOutcome[] = [];
    const rows = await ReportRows.start(batches, (outcome) => ends.push(outcome));
    expect(await allRows(rows)).toEqual([row(1), row(2), row(3)]);
    expect(rows.count).toBe(3);
    expect(ends).toEqual([{ rows: 3, error: null }]);
  });

  it('a failure before the first row is thrown by start, while an HTTP answer can still be an error', async () => {
    const { batches } = source([[row(1)]], { failAfter: 0 });
    const ends: RowsOutcome[] = [];
    await expect(ReportRows.start(batches, (outcome) => ends.push(outcome))).rejects.toThrow(/stopped the statement/);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.error).toBeInstanceOf(Error);
  });

  it('a failure after some rows reaches the reader after those rows', async () => {
    const { batches } = source([[row(1)], [row(2)], [row(3)]], { failAfter: 2 });
    const rows = await ReportRows.start(batches, () => {});
    const read: ReportRow[] = [];
    await expect(
      (async () => {
        for await (const next of rows) read.push(next);
      })(),
    ).rejects.toThrow(/stopped the statement/);
    expect(read).toEqual([row(1), row(2)]);
  });

  it('the source is read to its end at its own pace even when nobody reads yet (a slow client holds no statement open)', async () => {
    const { batches, seen } = source([[row(1)], [row(2)], [row(3)], [row(4)]]);
    let ended: RowsOutcome | null = null;
    const rows = await ReportRows.start(batches, (outcome) => (ended = outcome));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual({ yielded: 4, closed: true });
    expect(ended).toEqual({ rows: 4, error: null });
    expect(await allRows(rows)).toHaveLength(4);
  });

  it('a reader that stops early closes the source at its next batch', async () => {
    const many = Array.from({ length: 100 }, (_, index) => [row(index)]);
    const { batches, seen } = source(many);
    let ended: RowsOutcome | null = null;
    const rows = await ReportRows.start(batches, (outcome) => (ended = outcome));
    for await (const first of rows) {
      expect(first).toEqual(row(0));
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.closed).toBe(true);
    expect(seen.yielded).toBeLessThan(100);
    expect(ended).not.toBeNull();
    expect(rows.count).toBe(1);
  });

  it('close() resolves only once the source has stopped, so the pool can close after it', async () => {
    const { batches, seen } = source(Array.from({ length: 100 }, (_, index) => [row(index)]));
    const rows = await ReportRows.start(batches, () => {});
    expect(rows.finished).toBe(false);
    await rows.close();
    expect(seen.closed).toBe(true);
    expect(rows.finished).toBe(true);
  });

  it('close() asks the source to stop at once while it runs, and not once it is done', async () => {
    const running = source(Array.from({ length: 100 }, (_, index) => [row(index)]));
    let stops = 0;
    const rows = await ReportRows.start(running.batches, () => {}, () => (stops += 1));
    await rows.close();
    expect(stops).toBe(1);
    const done = source([[row(1)]]);
    const finished = await ReportRows.start(done.batches, () => {}, () => (stops += 1));
    expect(await allRows(finished)).toHaveLength(1);
    await finished.close();
    expect(stops).toBe(1);
  });
});
