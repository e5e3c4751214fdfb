import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openAppDatabase, waitForReplicaToCatchUp } from '../testing/stack-fixture.ts';
import { allMigrations, migrateToLatest } from './migrations.ts';

describe('migrations (real primary)', () => {
  const primary = openAppDatabase('primary');
  const replica = openAppDatabase('replica');
  afterAll(async () => {
    await primary.close();
    await replica.close();
  });

  async function tables(database: typeof primary): Promise<string[]> {
    const result = await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`.execute(database.db);
    return result.rows.map((row) => row.name);
  }

  it('are all applied by the global setup, and running them again is a no-op', async () => {
    const before = await tables(primary);
    const again = await migrateToLatest(primary.db);
    expect(again.results).toEqual([]);
    expect(await tables(primary)).toEqual(before);
    const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(primary.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(allMigrations()).sort());
  });

  it('reach the replica by replication alone', async () => {
    await waitForReplicaToCatchUp();
    expect(await tables(replica)).toEqual(await tables(primary));
  });
});
