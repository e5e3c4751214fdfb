/**
 * The seeder on the local stack's Galera cluster, in a database of its own
 * (`chucar_seed_cluster_test`): `npm run db:seed` as a user runs it beside `npm start` writes to
 * the cluster's writer (the services' nodes), keeps to the node's write-set limits, and every node
 * and the statistics replica end up with the same rows. Then the library with write-set limits far
 * below the stack's, so each batch lands in many transactions: parents still come before children
 * (the foreign keys would refuse them otherwise) and the nodes still agree.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { localStackSettings } from '../../testing/stack-fixture.ts';
import { SEED_TABLES, countSeededTables, seedDemoData } from './seed-demo-data.ts';

const DATABASE = 'chucar_seed_cluster_test';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stack = localStackSettings();
const nodePorts = stack.DB_GALERA_PORTS;

function connectTo(port: number, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, ...(database ? { database } : {}), connectTimeout: 5000 });
}

type TableState = Record<string, { rows: number; checksum: number }>;

/** Row count and CHECKSUM TABLE of every seeded table on one server, after it applied everything the cluster committed (causal read). */
async function tableStates(port: number, causal: boolean): Promise<TableState> {
  const connection = await connectTo(port, DATABASE);
  try {
    if (causal) await connection.query('SET SESSION wsrep_sync_wait = 1');
    const state: TableState = {};
    for (const table of [...SEED_TABLES, 'makers', 'trims', 'trim_options']) {
      const [[{ rows }]] = (await connection.query(`SELECT COUNT(*) AS \`rows\` FROM \`${table}\``)) as unknown as [[{ rows: number }]];
      const [[{ Checksum }]] = (await connection.query(`CHECKSUM TABLE \`${table}\``)) as unknown as [[{ Checksum: number }]];
      state[table] = { rows: Number(rows), checksum: Number(Checksum) };
    }
    return state;
  } finally {
    await connection.end();
  }
}

/** Waits until the statistics replica applied everything the writer node has in its binlog. */
async function statisticsReplicaCaughtUp(writerPort: number): Promise<void> {
  const writer = await connectTo(writerPort);
  const statistics = await connectTo(stack.DB_STATISTICS_PORT);
  try {
    const [[{ position }]] = (await writer.query('SELECT @@global.gtid_binlog_pos AS position')) as unknown as [[{ position: string }]];
    const [[{ result }]] = (await statistics.query({ sql: 'SELECT MASTER_GTID_WAIT(?, 30) AS result', values: [position], timeout: 40_000 })) as unknown as [[{ result: number }]];
    expect(Number(result), `statistics replica reached ${position}`).toBe(0);
  } finally {
    await writer.end();
    await statistics.end();
  }
}

async function expectEveryServerAgrees(): Promise<TableState> {
  const writerState = await tableStates(nodePorts[0]!, false);
  for (const port of nodePorts.slice(1)) expect(await tableStates(port, true), `node at ${port}`).toEqual(writerState);
  await statisticsReplicaCaughtUp(nodePorts[0]!);
  expect(await tableStates(stack.DB_STATISTICS_PORT, false), 'statistics replica').toEqual(writerState);
  return writerState;
}

/** Transactions this node originated so far (its own commits, not those it applied for others). */
async function localCommits(port: number): Promise<number> {
  const connection = await connectTo(port);
  try {
    const [[row]] = (await connection.query("SHOW GLOBAL STATUS LIKE 'wsrep_local_commits'")) as unknown as [[{ Value: string }]];
    return Number(row.Value);
  } finally {
    await connection.end();
  }
}

describe('db:seed on the Galera cluster (the stack\'s nodes and statistics replica)', () => {
  let database: Database<Schema> | null = null;

  beforeAll(async () => {
    const admin = await connectTo(nodePorts[0]!);
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    } finally {
      await admin.end();
    }
  });

  afterAll(async () => {
    await database?.close();
    const admin = await connectTo(nodePorts[0]!);
    try {
      await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    } finally {
      await admin.end();
    }
  });

  it('npm run db:seed writes to the cluster\'s writer within its write-set limits, and every node and the statistics replica hold the same rows', async () => {
    const started = performance.now();
    // As a user runs it: the stack's settings come from the npm script's preload, DB_CLUSTER_NODES among them.
    const env: Record<string, string | undefined> = { ...process.env, DB_CLUSTER_NODES: undefined };
    const seeded = spawnSync('npm', ['run', '--silent', 'db:seed', '--', '--database', DATABASE, '--requests', '200', '--customers', '150', '--dealers', '30'], { cwd: repoRoot, encoding: 'utf8', env, timeout: 120_000 });
    const seconds = (performance.now() - started) / 1000;
    expect(seeded.status, seeded.stderr).toBe(0);
    expect(seeded.stderr).toContain(`127.0.0.1:${nodePorts[0]}: the cluster's writer, seeding there`);
    expect(seeded.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${nodePorts[0]}: a Galera node \\(wsrep_max_ws_rows \\d+, wsrep_max_ws_size \\d+\\): transactions of at most`));
    expect(seeded.stdout).toMatch(new RegExp(`^Seeded ${DATABASE} in `, 'm'));

    const state = await expectEveryServerAgrees();
    expect(state['quote_requests']!.rows).toBe(200);
    expect(state['accounts']!.rows).toBe(1 + 3 + 30 + 150);
    console.log(`npm run db:seed on the cluster: ${seconds.toFixed(1)} s; ${state['quotes']!.rows} quotes, ${state['quote_revisions']!.rows} revisions; the same counts and checksums on the 3 nodes and the statistics replica`);
  }, 180_000);

  it('with write-set limits far below the stack\'s, each batch lands in many transactions, children after parents, and the nodes still agree', async () => {
    database = createDatabase<Schema>({
      host: '127.0.0.1',
      port: nodePorts[0]!,
      user: stack.DB_USER,
      password: stack.DB_PASSWORD,
      database: DATABASE,
      poolSize: 3,
      connectTimeoutMs: 5000,
      queryTimeoutMs: 60_000,
    });
    const maxRows = 100;
    const commitsBefore = await localCommits(nodePorts[0]!);
    const summary = await seedDemoData(database.db, { requests: 200, customers: 150, dealers: 30, seed: 7, reset: true, transactionLimits: { maxRows, maxBytes: 64 * 1024 } });
    const commits = (await localCommits(nodePorts[0]!)) - commitsBefore;
    const rowsWritten = Object.values(summary.rows).reduce((sum, rows) => sum + rows, 0);
    console.log(`seeded ${rowsWritten} rows in transactions of at most ${maxRows} rows and ~64 KiB: ${commits} commits on the writer node`);
    // Without the limits the load is a handful of transactions; with them at least one per 100 rows (the heartbeat adds a few more).
    expect(commits).toBeGreaterThanOrEqual(Math.ceil(rowsWritten / maxRows));
    expect(await countSeededTables(database.db)).toEqual(summary.rows);
    await expectEveryServerAgrees();
  }, 180_000);
});
