/**
 * The failed-media count (the media_failed gauge, read every 30 s by each worker) and the list
 * media:requeue works from find failed media through indexes, not by a pass over every stored
 * upload: EXPLAIN on a copy of the media table (CREATE TABLE … LIKE the migrated test database's,
 * indexes included) holding 22,500 stored uploads, 45 of them with failed previews and 45 failed
 * stores, in a database of its own so no other test sees these rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKyselyMediaOperationsRepository } from '@chucar/domain';
import { createMediaTableCopy, type MediaTableCopy } from '../../testing/media-table-copy.ts';

describe('failed media are found through indexes (EXPLAIN, real primary)', () => {
  let copy: MediaTableCopy;

  beforeAll(async () => {
    copy = await createMediaTableCopy('media_index', {
      contentType: "'image/jpeg'",
      kind: "'image'",
      status: "IF({n} % 500 = 7, 'failed', 'stored')",
      variantsStatus: "IF({n} % 500 = 3, 'failed', 'ready')",
      createdAt: 'NOW(3) - INTERVAL {n} MINUTE',
      updatedAt: 'NOW(3) - INTERVAL {n} MINUTE',
    });
  });
  afterAll(async () => {
    await copy?.drop();
  });

  it('counts and lists them right, each statement reading tens of index entries, not the table', async () => {
    const { db, statements } = copy;
    const operations = createKyselyMediaOperationsRepository(db);
    expect(await operations.countFailed()).toEqual({ store: 45, variants: 45 });
    expect(await operations.listFailedIds(1000)).toHaveLength(90);
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      const plan = await copy.explain<{ table: string; type: string; key: string | null; rows: number }>(statement);
      for (const step of plan) {
        expect(step.type, `${statement.sql}: ${JSON.stringify(step)}`).not.toBe('ALL');
        expect(step.key, statement.sql).not.toBeNull();
        expect(Number(step.rows), `${statement.sql}: ${JSON.stringify(step)}`).toBeLessThan(1000);
      }
    }
  });
});
