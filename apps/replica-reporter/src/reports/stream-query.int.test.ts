import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { openReplica } from '../reporter-database.ts';
import { reporterTestConfig } from '../testing/reporter-test-config.ts';
import { streamWithTimeLimit } from './stream-query.ts';

describe('report queries carry the replica’s own time limit (real replica)', () => {
  let replica: Database<Schema>;
  beforeAll(() => {
    replica = openReplica(reporterTestConfig());
  });
  afterAll(() => replica?.close());

  it('a statement past max_statement_time is stopped by the server and refused in one line', async () => {
    const slow = replica.db.selectNoFrom(sql<number>`SLEEP(3)`.as('slept'));
    const rows = async () => {
      for await (const batch of streamWithTimeLimit(replica, slow, 0.2)) void batch;
    };
    await expect(rows()).rejects.toMatchObject({ code: 'report_query_timeout', message: expect.stringMatching(/ran past its 0.2 s limit on the replica/) });
    // The connection is fine afterwards: the limit ended one statement, not the session.
    const quick: { one: number }[] = [];
    for await (const batch of streamWithTimeLimit(replica, replica.db.selectNoFrom(sql<number>`1`.as('one')), 5)) quick.push(...batch);
    expect(quick).toEqual([{ one: 1 }]);
  });

  it('streams a large result in batches, and a reader that stops early leaves the pool usable', async () => {
    // 2,500 rows, 1 to 2500, from 50 × 50 (MariaDB stops recursion at 1,000 iterations by default): no table needed.
    const numbers = sql<{ n: number }>`WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 50) SELECT a.n + (b.n - 1) * 50 AS n FROM seq a CROSS JOIN seq b ORDER BY n`;
    const query = { compile: () => numbers.compile(replica.db) };
    const sizes: number[] = [];
    for await (const batch of streamWithTimeLimit<{ n: number }>(replica, query, 5)) sizes.push(batch.length);
    expect(sizes).toEqual([1000, 1000, 500]);
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const timersBefore = timers();
    for await (const batch of streamWithTimeLimit<{ n: number }>(replica, query, 5)) {
      expect(batch[0]).toEqual({ n: 1 });
      break;
    }
    // The destroyed connection's query leaves no client-timeout timer behind (it kept a CLI alive for minutes).
    expect(timers()).toBe(timersBefore);
    const again: number[] = [];
    for await (const batch of streamWithTimeLimit<{ n: number }>(replica, query, 5)) again.push(batch.length);
    expect(again.reduce((sum, size) => sum + size, 0)).toBe(2500);
  });

  it('an abort stops the statement on the replica at once, not when it would have ended', async () => {
    const marker = `stop-me-${process.pid}-${Date.now()}`;
    const slow = replica.db.selectNoFrom(sql<number>`SLEEP(30)`.as(marker));
    const running = async () => (await replica.runSql('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?', [`%SLEEP(30)%${marker}%`]))[0]?.['n'];
    const stop = new AbortController();
    const reading = (async () => {
      for await (const batch of streamWithTimeLimit(replica, slow, 60, stop.signal)) void batch;
    })();
    await vi.waitFor(async () => expect(Number(await running())).toBe(1), { timeout: 5000, interval: 50 });
    stop.abort(new Error('the reader went away'));
    await expect(reading).rejects.toThrow(/the reader went away/);
    // KILL QUERY from the reporter's own account: the sleeping statement is gone within moments, not 30 s.
    await vi.waitFor(async () => expect(Number(await running())).toBe(0), { timeout: 5000, interval: 50 });
  });
});
