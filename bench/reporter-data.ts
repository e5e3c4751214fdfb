/**
 * The reporter benchmark's datasets, each in a database of its own on the primary (replicated):
 * - up to BASE_REQUESTS requests: the demo seeder, as npm run db:seed writes them;
 * - a multiple of BASE_REQUESTS (1,000,000): the base dataset copied that many times inside the
 *   server (INSERT … SELECT with shifted ids, the same accounts and time window, denser), which
 *   takes a minute or two where the seeder would take several;
 * - both: one upload per request (media rows of every status, store times, retries) and about one
 *   scrub incident per hundred uploads, written by INSERT … SELECT from the requests, so the media
 *   report reads as many rows as the others.
 * A dataset is kept between runs while the recipe stored beside it (its sizes and DATASET_VERSION)
 * is this one and its content hash (CHECKSUM TABLE of what the reports read) is still the one it
 * was made with: a bench that left rows behind, or a dataset cut short, is made again.
 */
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Database as Schema } from '@chucar/domain';
import { createDatabase } from '@chucar/platform';
import { waitForReplicaToCatchUp } from '@chucar/platform/testing';
import { migrateToLatest } from '../tools/db/migrations.ts';
import { loadStackConfig } from '../tools/stack/config.ts';
import { prepareGatewayData, type GatewayDataset } from './gateway-data.ts';
import { BENCH_NAMES } from './isolation.ts';

/** The largest dataset the demo seeder writes; larger ones are copies of it. */
export const BASE_REQUESTS = 100_000;
const MARKER_TABLE = 'bench_dataset_recipe';
/** Raise when what a dataset holds changes (the uploads below, the copies, the seeder's output). */
const DATASET_VERSION = 1;
/** What the reports read: their row counts say whether a kept dataset is whole. */
const COUNTED_TABLES = ['quote_requests', 'quotes', 'media', 'media_incidents'] as const;
type Counts = Record<(typeof COUNTED_TABLES)[number], number>;

export interface ReporterDataset {
  database: string;
  requests: number;
  /** Rows of each table the reports read. */
  counts: Counts;
}

const seededDataset = (requests: number): GatewayDataset => ({
  database: `${BENCH_NAMES.reporter.databasePrefix}${requests}`,
  requests,
  customers: Math.max(100, Math.round(requests / 5)),
  dealers: Math.max(20, Math.round(requests / 330)),
  seed: 13,
});

export function recipeHash(requests: number): string {
  return createHash('sha256')
    .update(JSON.stringify({ version: DATASET_VERSION, requests, base: BASE_REQUESTS, seeded: seededDataset(Math.min(requests, BASE_REQUESTS)) }))
    .digest('hex');
}

/** CHECKSUM TABLE of every table the reports read, hashed together with their row counts. */
async function contentHash(admin: mysql.Connection, database: string, counts: Counts): Promise<string> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`CHECKSUM TABLE ${COUNTED_TABLES.map((table) => `\`${database}\`.\`${table}\``).join(', ')}`);
  return createHash('sha256')
    .update(JSON.stringify({ counts, checksums: rows.map((row) => String(row['Checksum'])) }))
    .digest('hex');
}

async function connectAdmin(): Promise<mysql.Connection> {
  const config = loadStackConfig();
  return mysql.createConnection({ host: '127.0.0.1', port: config.DB_PRIMARY_PORT, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
}

async function countRows(admin: mysql.Connection, database: string): Promise<Counts> {
  const counts = {} as Counts;
  for (const table of COUNTED_TABLES) {
    const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${table}\``);
    counts[table] = Number(rows[0]?.['n']);
  }
  return counts;
}

/** The stored recipe and content hashes and counts, or null when the database or its marker is missing. */
async function storedRecipe(admin: mysql.Connection, database: string): Promise<{ hash: string; content: string; counts: Counts } | null> {
  const [tables] = await admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [database, MARKER_TABLE]);
  if (Number(tables[0]?.['n']) === 0) return null;
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT * FROM \`${database}\`.${MARKER_TABLE} LIMIT 1`);
  const found = rows[0];
  return found ? { hash: String(found['recipe_hash']), content: String(found['content_hash'] ?? ''), counts: JSON.parse(String(found['counts'])) as Counts } : null;
}

async function storeRecipe(admin: mysql.Connection, database: string, hash: string, content: string, counts: Counts): Promise<void> {
  await admin.query(`DROP TABLE IF EXISTS \`${database}\`.${MARKER_TABLE}`);
  await admin.query(`CREATE TABLE \`${database}\`.${MARKER_TABLE} (recipe_hash CHAR(64) NOT NULL, content_hash CHAR(64) NOT NULL, counts VARCHAR(500) NOT NULL, made_at DATETIME(3) NOT NULL) ENGINE=InnoDB`);
  await admin.query(`INSERT INTO \`${database}\`.${MARKER_TABLE} VALUES (?, ?, ?, NOW(3))`, [hash, content, JSON.stringify(counts)]);
}

/**
 * Makes (or keeps) the dataset of `requests` requests and waits until the replica has it.
 * `requests` is at most BASE_REQUESTS or a multiple of it.
 */
export async function prepareReporterData(requests: number, log: (line: string) => void = () => {}): Promise<ReporterDataset> {
  if (requests > BASE_REQUESTS && requests % BASE_REQUESTS !== 0) throw new Error(`a reporter dataset above ${BASE_REQUESTS} requests is a multiple of it, not ${requests}`);
  const { database } = seededDataset(requests);
  const hash = recipeHash(requests);
  const admin = await connectAdmin();
  try {
    const stored = await storedRecipe(admin, database);
    if (stored?.hash === hash) {
      const counts = await countRows(admin, database);
      if ((await contentHash(admin, database, counts)) === stored.content) {
        await waitForReplicaToCatchUp(600_000);
        return { database, requests, counts };
      }
      log(`${database}: its content changed since it was made; making it again`);
    } else {
      log(`${database}: ${stored ? 'made by another recipe' : 'absent'}; making it (kept for later runs)`);
    }
    const started = performance.now();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    if (requests <= BASE_REQUESTS) {
      await prepareGatewayData(seededDataset(requests));
    } else {
      const base = await prepareReporterData(BASE_REQUESTS, log);
      await copyScaled(admin, base.database, database, requests / BASE_REQUESTS);
    }
    await addUploads(admin, database);
    for (const table of COUNTED_TABLES) await admin.query(`ANALYZE TABLE \`${database}\`.\`${table}\``);
    const counts = await countRows(admin, database);
    await storeRecipe(admin, database, hash, await contentHash(admin, database, counts), counts);
    log(`${database}: made in ${((performance.now() - started) / 1000).toFixed(1)} s (${JSON.stringify(counts)}); waiting for the replica`);
    await waitForReplicaToCatchUp(1_800_000);
    return { database, requests, counts };
  } finally {
    await admin.end();
  }
}

async function columnsOf(admin: mysql.Connection, database: string, table: string): Promise<string[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position', [database, table]);
  return rows.map((row) => String(row['name']));
}

async function maxId(admin: mysql.Connection, database: string, table: string): Promise<number> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT COALESCE(MAX(id), 0) AS n FROM \`${database}\`.\`${table}\``);
  return Number(rows[0]?.['n']);
}

/**
 * `target` as `copies` copies of `base`'s requests, quotes, options and revisions (ids shifted by
 * the base's largest id times the copy's number), over the base's accounts and catalog.
 */
async function copyScaled(admin: mysql.Connection, base: string, target: string, copies: number): Promise<void> {
  await admin.query(`CREATE DATABASE \`${target}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  // Migrated like any database, so it has the heartbeat event the reporter's freshness reads.
  const config = loadStackConfig();
  const primary = createDatabase<Schema>({ host: '127.0.0.1', port: config.DB_PRIMARY_PORT, user: config.DB_USER, password: config.DB_PASSWORD, database: target, poolSize: 1, connectTimeoutMs: 2000, queryTimeoutMs: 600_000 });
  try {
    await migrateToLatest(primary.db);
  } finally {
    await primary.close();
  }
  await admin.query('SET SESSION foreign_key_checks = 0');
  try {
    for (const table of ['makers', 'models', 'trims', 'trim_options', 'accounts', 'dealer_profiles', 'dealer_regions']) {
      await admin.query(`INSERT INTO \`${target}\`.\`${table}\` SELECT * FROM \`${base}\`.\`${table}\``);
    }
    const offsets = { request: await maxId(admin, base, 'quote_requests'), quote: await maxId(admin, base, 'quotes'), revision: await maxId(admin, base, 'quote_revisions') };
    const shifted: Record<string, Record<string, keyof typeof offsets>> = {
      quote_requests: { id: 'request', accepted_quote_id: 'quote' },
      quote_request_options: { request_id: 'request' },
      quotes: { id: 'quote', request_id: 'request' },
      quote_revisions: { id: 'revision', quote_id: 'quote' },
    };
    for (const [table, shifts] of Object.entries(shifted)) {
      const columns = await columnsOf(admin, base, table);
      for (let copy = 0; copy < copies; copy++) {
        const select = columns.map((column) => {
          const by = shifts[column];
          return by ? `\`${column}\` + ${copy * offsets[by]}` : `\`${column}\``;
        });
        await admin.query(`INSERT INTO \`${target}\`.\`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) SELECT ${select.join(', ')} FROM \`${base}\`.\`${table}\` ORDER BY ${columns.includes('id') ? 'id' : columns.slice(0, 2).join(', ')}`);
      }
    }
  } finally {
    await admin.query('SET SESSION foreign_key_checks = 1');
  }
}

const UPLOAD_BATCH_REQUESTS = 200_000;

/**
 * One upload per request, by its customer, up to ten minutes before it: 90 % stored, the rest
 * deleted, failed, still spooled or lost; stored in 0.1 to 20 s, a tenth after a retry (a minute
 * later); about one incident per hundred uploads, of every kind and outcome. All derived from the
 * request's id, so the same requests always give the same rows.
 */
async function addUploads(admin: mysql.Connection, database: string): Promise<void> {
  const last = await maxId(admin, database, 'quote_requests');
  const mediaId = "CONCAT('00000000-0000-4000-8000-', LPAD(HEX(qr.id), 12, '0'))";
  for (let from = 0; from < last; from += UPLOAD_BATCH_REQUESTS) {
    const range = `qr.id > ${from} AND qr.id <= ${from + UPLOAD_BATCH_REQUESTS}`;
    await admin.query(`
      INSERT INTO \`${database}\`.media (id, owner_id, sha256, size_bytes, content_type, kind, status, variants_status, failure_reason, store_attempts, original_key, width, height, created_at, updated_at, stored_at, verified_at, deleted_at, lost_at, purged_at)
      SELECT id, owner_id, sha256, size_bytes, 'image/jpeg', 'image', status, IF(status IN ('stored', 'deleted'), 'ready', 'none'), IF(status = 'failed', 'stored object did not match', NULL),
             attempts, CONCAT('originals/', id), 4000, 3000, created_at, created_at,
             IF(status IN ('stored', 'deleted', 'lost'), stored_at, NULL), IF(status = 'stored', stored_at, NULL),
             IF(status = 'deleted', stored_at + INTERVAL 1 DAY, NULL), IF(status = 'lost', stored_at + INTERVAL 2 DAY, NULL), NULL
      FROM (
        SELECT ${mediaId} AS id, qr.customer_id AS owner_id, SHA2(qr.id, 256) AS sha256, 200000 + (qr.id * 7919) % 4800000 AS size_bytes,
               ELT(1 + (qr.id % 100 >= 90) + (qr.id % 100 >= 94) + (qr.id % 100 >= 96) + (qr.id % 100 >= 98), 'stored', 'deleted', 'failed', 'spooled', 'lost') AS status,
               1 + (qr.id % 10 = 3) + (qr.id % 50 = 3) AS attempts,
               qr.created_at - INTERVAL (qr.id % 600) SECOND AS created_at,
               qr.created_at - INTERVAL (qr.id % 600) SECOND + INTERVAL (100 + (qr.id * 37) % 19900 + IF(qr.id % 10 = 3, 60000, 0)) * 1000 MICROSECOND AS stored_at
        FROM \`${database}\`.quote_requests qr WHERE ${range}
      ) AS upload`);
    await admin.query(`
      INSERT INTO \`${database}\`.media_incidents (media_id, object_key, store, kind, pass, last_verified_good_at, detected_at, repaired_at, repaired_from, outcome, detail)
      SELECT ${mediaId}, CONCAT('originals/', ${mediaId}), ELT(1 + qr.id % 2, 'primary', 'mirror'), ELT(1 + (qr.id DIV 97) % 3, 'missing', 'changed', 'size'), ELT(1 + (qr.id DIV 97) % 2, 'head', 'full'),
             qr.created_at, qr.created_at + INTERVAL (qr.id % 72) HOUR,
             IF((qr.id DIV 97) % 10 < 8, qr.created_at + INTERVAL (qr.id % 72) HOUR + INTERVAL 2 SECOND, NULL),
             IF((qr.id DIV 97) % 10 < 8, ELT(1 + (qr.id DIV 97) % 4, 'spool', 'primary', 'mirror', 'regenerated'), NULL),
             ELT(1 + ((qr.id DIV 97) % 10 >= 8) + ((qr.id DIV 97) % 10 >= 9), 'repaired', 'open', 'unrepairable'), NULL
      FROM \`${database}\`.quote_requests qr WHERE ${range} AND qr.id % 97 = 0`);
  }
}
