import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      for await (const row of streamWithTimeLimit(replica.db, slow, 0.2)) void row;
    };
    await expect(rows()).rejects.toMatchObject({ code: 'report_query_timeout', message: expect.stringMatching(/ran past its 0.2 s limit on the replica/) });
    // The connection is fine afterwards: the limit ended one statement, not the session.
    const quick: { one: number }[] = [];
    for await (const row of streamWithTimeLimit(replica.db, replica.db.selectNoFrom(sql<number>`1`.as('one')), 5)) quick.push(row);
    expect(quick).toEqual([{ one: 1 }]);
  });
});
