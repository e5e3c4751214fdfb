/**
 * The gateway benchmark's data: a database of its own with demo data, migrated and replicated, on
 * the primary (and its replica) or on the Galera cluster. It needs nothing else to exist first (no
 * test database, no earlier run), so the benchmark runs on a fresh stack in any order.
 */
import mysql from 'mysql2/promise';
import type { Database as Schema } from '@chucar/domain';
import { createDatabase } from '@chucar/platform';
import { waitForReplicaToCatchUp } from '@chucar/platform/testing';
import { loadStackConfig, type StackConfig } from '../tools/stack/config.ts';
import { migrateToLatest } from '../tools/db/migrations.ts';
import { seedDemoData } from '../tools/db/seed/seed-demo-data.ts';
import { readTransactionLimits } from '../tools/db/seed/write-set-limits.ts';
import { DEMO_PASSWORD } from '../tools/db/seed/generate-accounts.ts';

export interface GatewayDataset {
  /** A `chucar…` name: the app account's grant covers those only. */
  database: string;
  requests: number;
  customers: number;
  dealers: number;
  seed: number;
}

export const gatewayDataset: GatewayDataset = { database: 'chucar_bench_gateway', requests: 5_000, customers: 500, dealers: 80, seed: 7 };

/** How many quote requests `database` holds, or null when it has no such table (never seeded). */
export async function seededRequestCount(admin: mysql.Connection, database: string): Promise<number | null> {
  const [tables] = await admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, 'quote_requests']);
  if (Number(tables[0]?.['n']) === 0) return null;
  const [requests] = await admin.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.quote_requests`);
  return Number(requests[0]?.['n']);
}

/**
 * Drops and creates `dataset.database` on the server at `port` (through `admin`, the stack's admin
 * account on it), migrates it and seeds the dataset there as the app account: on a Galera node in
 * transactions within the node's write-set limits, as db:seed and npm start seed.
 */
export async function recreateAndSeed(config: StackConfig, admin: mysql.Connection, port: number, dataset: GatewayDataset): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${dataset.database}\``);
  await admin.query(`CREATE DATABASE \`${dataset.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const target = createDatabase<Schema>({ host: '127.0.0.1', port, user: config.DB_USER, password: config.DB_PASSWORD, database: dataset.database, poolSize: 4, connectTimeoutMs: 2000, queryTimeoutMs: 600_000 });
  try {
    await migrateToLatest(target.db);
    await seedDemoData(target.db, { requests: dataset.requests, customers: dataset.customers, dealers: dataset.dealers, seed: dataset.seed, transactionLimits: await readTransactionLimits(target.db) });
  } finally {
    await target.close();
  }
}

/**
 * Creates and seeds `dataset.database` unless it already holds exactly the seeded requests (kept
 * between runs: re-seeding right before measuring would leave InnoDB flushing and the replica
 * applying during the runs), then waits until the servers reads go to have it all: the replica,
 * or every other node of the cluster. `on` is where writes go: the primary, or the cluster's first
 * node (its writer on a healthy stack). Returns whether it seeded.
 */
export async function prepareGatewayData(dataset: GatewayDataset, on: 'primary' | 'cluster' = 'primary'): Promise<{ seeded: boolean }> {
  const config = loadStackConfig();
  const writerPort = on === 'cluster' ? config.DB_GALERA_PORTS[0]! : config.DB_PRIMARY_PORT;
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: writerPort, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD });
  let seeded = false;
  try {
    seeded = (await seededRequestCount(admin, dataset.database)) !== dataset.requests;
    if (seeded) await recreateAndSeed(config, admin, writerPort, dataset);
  } finally {
    await admin.end();
  }
  if (on === 'primary') await waitForReplicaToCatchUp(60_000);
  else await waitForClusterNodes(config.DB_GALERA_PORTS.slice(1), dataset);
  return { seeded };
}

/** A causal read on each node (it first applies every writeset the cluster ordered) finds every seeded request. */
async function waitForClusterNodes(ports: readonly number[], dataset: GatewayDataset): Promise<void> {
  const config = loadStackConfig();
  for (const port of ports) {
    const node = await mysql.createConnection({ host: '127.0.0.1', port, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
    try {
      const [rows] = await node.query<mysql.RowDataPacket[]>({ sql: `SET STATEMENT wsrep_sync_wait = 1 FOR SELECT COUNT(*) AS n FROM \`${dataset.database}\`.quote_requests`, timeout: 60_000 });
      if (Number(rows[0]?.['n']) !== dataset.requests) throw new Error(`Galera node on port ${port} has ${String(rows[0]?.['n'])} of ${dataset.requests} seeded requests`);
    } finally {
      await node.end();
    }
  }
}

/** A gateway that has not answered a bench's setup request in this long is stuck, not slow. */
const setupRequestTimeoutMs = 10_000;

/** A demo account signed in through a gateway: its bearer header, id, and the login's consistency token. */
export async function demoLogin(gatewayUrl: string, email: string): Promise<{ headers: Record<string, string>; accountId: number; consistencyToken: string }> {
  const answer = await fetch(`${gatewayUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    signal: AbortSignal.timeout(setupRequestTimeoutMs),
  });
  if (!answer.ok) throw new Error(`login of ${email} answered ${answer.status}`);
  const session = (await answer.json()) as { accessToken: string; account: { id: number } };
  return { headers: { authorization: `Bearer ${session.accessToken}` }, accountId: session.account.id, consistencyToken: String(answer.headers.get('x-consistency-token')) };
}

/** The id of the first quote request the account signed in with `headers` may read (the benches' read target). */
export async function firstQuoteRequestId(gatewayUrl: string, headers: Record<string, string>): Promise<number> {
  const answer = await fetch(`${gatewayUrl}/v1/quote-requests?limit=1`, { headers, signal: AbortSignal.timeout(setupRequestTimeoutMs) });
  if (!answer.ok) throw new Error(`GET /v1/quote-requests answered ${answer.status}`);
  const page = (await answer.json()) as { items: { id: number }[] };
  const id = page.items[0]?.id;
  if (id === undefined) throw new Error('the signed-in account has no quote requests to read');
  return id;
}
