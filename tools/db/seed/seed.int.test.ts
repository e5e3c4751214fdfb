/**
 * The seeder against the real stack, in a database of its own (`chucar_seed_test`, never
 * `chucar` or `chucar_test`): counts and invariants checked by SQL, the refusal to seed twice
 * (library and CLI), determinism after --reset, and the replica catching up.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from 'mysql2/promise';
import { verifyPassword, type Database as Schema } from '@chucar/domain';
import { appDatabaseSettings, connectAs, connectWithoutDatabase, openAppDatabase, waitForReplicaToCatchUp } from '../../testing/stack-fixture.ts';
import { applyPendingMigrations } from '../migrations.ts';
import { MarketplaceNotEmptyError, countSeededTables, isMarketplaceEmpty, seedDemoData } from './seed-demo-data.ts';
import type { SeedSummary } from './seed-demo-data.ts';
import { SEED_INVARIANTS } from './seed-invariants.ts';
import { sqlLiteral } from './bulk-insert.ts';

const DATABASE = 'chucar_seed_test';
const NOW = new Date();
const OPTIONS = { requests: 300, customers: 200, dealers: 40, seed: 11, now: NOW };
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function count(connection: Connection, table: string): Promise<number> {
  const [rows] = await connection.query(`SELECT COUNT(*) AS count FROM \`${table}\``);
  return Number((rows as { count: number }[])[0]?.count);
}

describe('seedDemoData (real primary and replica)', () => {
  let admin: Connection;
  let database: ReturnType<typeof openAppDatabase<Schema>>;
  let summary: SeedSummary;

  beforeAll(async () => {
    admin = await connectWithoutDatabase('admin', 'primary');
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`USE \`${DATABASE}\``);
    database = openAppDatabase<Schema>('primary', { database: DATABASE, queryTimeoutMs: 60_000 });
    await applyPendingMigrations(database.db);
    expect(await isMarketplaceEmpty(database.db)).toBe(true);
    summary = await seedDemoData(database.db, OPTIONS);
  });

  afterAll(async () => {
    await database?.close();
    await admin?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin?.end();
  });

  it('writes the requested counts, as reported', async () => {
    expect(summary.catalogTrimsInserted).toBeGreaterThan(50);
    expect(await count(admin, 'quote_requests')).toBe(300);
    expect(await count(admin, 'accounts')).toBe(1 + 3 + 40 + 200);
    expect(await count(admin, 'dealer_profiles')).toBe(40);
    expect(await countSeededTables(database.db)).toEqual(summary.rows);
    expect(summary.rows.quotes).toBeGreaterThan(300);
    expect(await isMarketplaceEmpty(database.db)).toBe(false);
  });

  it.each(SEED_INVARIANTS.map((invariant) => [invariant.rule, invariant.sql]))('holds: %s', async (_rule, sql) => {
    await admin.query(`SET @seeded_at = ${sqlLiteral(NOW)}`); // UTC, as the seeder wrote it, whatever this process's time zone
    const [rows] = await admin.query(`SELECT (${sql}) AS violations`);
    expect(Number((rows as { violations: number }[])[0]?.violations)).toBe(0);
  });

  it('lets the demo logins in with the documented password', async () => {
    const [rows] = await admin.query(`SELECT email, role, status FROM accounts WHERE email IN (?) ORDER BY email`, [Object.values(summary.logins)]);
    expect(rows).toEqual([
      { email: 'admin@demo.chucar.kr', role: 'admin', status: 'active' },
      { email: 'analyst@demo.chucar.kr', role: 'analyst', status: 'active' },
      { email: 'customer@demo.chucar.kr', role: 'customer', status: 'active' },
      { email: 'dealer@demo.chucar.kr', role: 'dealer', status: 'active' },
    ]);
    const [[hash]] = (await admin.query(`SELECT password_hash AS hash FROM accounts WHERE email = 'customer@demo.chucar.kr'`)) as unknown as [[{ hash: string }]];
    expect(await verifyPassword(summary.password, hash.hash)).toBe(true);
    const [regions] = await admin.query(`SELECT region FROM dealer_regions JOIN accounts ON accounts.id = dealer_id WHERE email = 'dealer@demo.chucar.kr' ORDER BY region`);
    expect(regions).toEqual([{ region: 'gyeonggi' }, { region: 'seoul' }]);
  });

  it('refuses to seed again without --reset, changing nothing (library: typed error; CLI: exit code 1)', async () => {
    const before = await countSeededTables(database.db);
    await expect(seedDemoData(database.db, OPTIONS)).rejects.toBeInstanceOf(MarketplaceNotEmptyError);
    const cli = spawnSync(process.execPath, ['tools/db/seed.ts', '--database', DATABASE, '--requests', '10'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, DB_PRIMARY_PORT: String(appDatabaseSettings('primary').port) },
    });
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringContaining('already has 300 quote requests')]);
    expect(await countSeededTables(database.db)).toEqual(before);

    const badFlag = spawnSync(process.execPath, ['tools/db/seed.ts', '--requests', '-1'], { cwd: repoRoot, encoding: 'utf8' });
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('with reset, replaces the data by identical rows for the same seed, counts and now', async () => {
    const snapshot = async () => ({
      requests: (await admin.query('SELECT * FROM quote_requests ORDER BY id'))[0],
      quotes: (await admin.query('SELECT * FROM quotes ORDER BY id'))[0],
      revisions: (await admin.query('SELECT * FROM quote_revisions ORDER BY id'))[0],
      accounts: (await admin.query('SELECT id, email, role, status, display_name, created_at FROM accounts ORDER BY id'))[0],
    });
    const before = await snapshot();
    await seedDemoData(database.db, { ...OPTIONS, reset: true });
    expect(await snapshot()).toEqual(before);
  });

  it('reaches the replica by replication alone', async () => {
    await waitForReplicaToCatchUp(30_000);
    const replica = await connectAs('admin', 'replica', DATABASE);
    try {
      for (const table of Object.keys(summary.rows)) expect(await count(replica, table)).toBe(await count(admin, table));
    } finally {
      await replica.end();
    }
  });
});
