/**
 * `npm run bench -- media-ops`: the orphan tool as an operator runs it (npm run media:orphans, a
 * process of its own) on its own database and s3rver: 5,000 originals of which 10 % have no row,
 * aged past the grace period. The report's objects/s against raw ListObjects pages of the same
 * keys, and the sweep's moves/s against raw CopyObject + DeleteObject of as many objects, both
 * sequential like the sweep. The tool's own `tookMs` is used, so Node's start is not counted.
 * Then the worker runs as compose runs it, with its default probe interval, and its S3 is killed:
 * how long until its readiness says so.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CopyObjectCommand, DeleteObjectCommand, ListObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { median, row, type Benchmark, type BenchRow } from './harness.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import mysql from 'mysql2/promise';
import type { Database as Schema } from '@chucar/domain';
import { createDatabase, type Database } from '@chucar/platform';
import { migrateToLatest } from '../tools/db/migrations.ts';
import { benchBucket, benchMediaEnv, createOwner, scratchDir, sha256Of, startProgram, startS3Server } from './media-setup.ts';

const objects = 5000;
const orphanShare = 0.1;
const putConcurrency = 16;
const dayMs = 24 * 60 * 60 * 1000;
const names = { database: BENCH_NAMES.mediaOps.database, queuePrefix: BENCH_NAMES.mediaOps.queuePrefix };
const databaseName = names.database;
const rounds = 3;

type OrphanReport = { tookMs: number; stores: { mediaObjects: number; orphans: number; tombstoned: number; errors: string[] }[] };

export const benchmark: Benchmark = {
  name: 'media-ops',
  description: `media:orphans on ${objects.toLocaleString('en-US')} originals (${orphanShare * 100} % without a row) vs raw ListObjects and CopyObject + DeleteObject on the same s3rver`,
  async run() {
    await stackUp(loadStackConfig());
    const database = await prepareDatabase();
    const ownerId = await createOwner(database, 'ops');
    const dirs = { s3: scratchDir('bench-media-ops-s3'), spool: scratchDir('bench-media-ops-spool') };
    const port = await benchPort('s3');
    const s3server = await startS3Server(port, dirs.s3);
    const endpoint = `http://127.0.0.1:${port}`;
    const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
    try {
      // Rows for 90 % of the originals, inserted in batches; the rest are orphans.
      const ids = Array.from({ length: objects }, () => randomUUID());
      const withRows = ids.slice(0, Math.round(objects * (1 - orphanShare)));
      const now = new Date();
      for (let start = 0; start < withRows.length; start += 500) {
        await database.db
          .insertInto('media')
          .values(
            withRows.slice(start, start + 500).map((id, index) => ({
              id,
              owner_id: ownerId,
              sha256: sha256Of(Buffer.from(id)),
              size_bytes: 1024,
              content_type: 'application/pdf' as const,
              kind: 'document' as const,
              status: index % 10 === 0 ? ('deleted' as const) : ('stored' as const),
              variants_status: 'none' as const,
              failure_reason: null,
              original_key: `originals/${id}`,
              width: null,
              height: null,
              created_at: now,
              updated_at: now,
              stored_at: now,
              verified_at: now,
              deleted_at: null,
            })),
          )
          .execute();
      }
      const body = Buffer.alloc(1024, 7);
      const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: benchBucket, Key: key, Body: body, Metadata: { sha256: sha256Of(body) } }));
      const keys = [...ids.map((id) => `originals/${id}`), ...Array.from({ length: Math.round(objects * orphanShare) }, () => `scratch/${randomUUID()}`)];
      for (let next = 0; next < keys.length; next += putConcurrency) await Promise.all(keys.slice(next, next + putConcurrency).map(put));
      // s3rver dates an object by its file's mtime: two days back puts every object past the grace period.
      ageFiles(dirs.s3, new Date(Date.now() - 2 * dayMs));

      const env = benchMediaEnv({ s3Endpoint: endpoint, spoolDir: dirs.spool, names });
      // Alternating rounds, medians: the machine is shared, so one run of each says little.
      const listRates: number[] = [];
      const reportRates: number[] = [];
      let report: OrphanReport | undefined;
      for (let round = 0; round < rounds; round += 1) {
        const listStarted = performance.now();
        let listed = 0;
        let marker: string | undefined;
        do {
          const page = await s3.send(new ListObjectsCommand({ Bucket: benchBucket, Prefix: 'originals/', Marker: marker }));
          listed += page.Contents?.length ?? 0;
          marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
        } while (marker);
        listRates.push(listed / ((performance.now() - listStarted) / 1000));
        report = runOrphans(env, ['--report', '--json']);
        reportRates.push(report.stores[0]!.mediaObjects / (report.tookMs / 1000));
      }
      const listPerSecond = median(listRates);
      const reportPerSecond = median(reportRates);
      if (!report) throw new Error('no report round ran');

      const rawMoves = keys.filter((key) => key.startsWith('scratch/'));
      const moveStarted = performance.now();
      for (const key of rawMoves) {
        await s3.send(new CopyObjectCommand({ Bucket: benchBucket, Key: `moved/${key}`, CopySource: `${benchBucket}/${key}`, MetadataDirective: 'COPY' }));
        await s3.send(new DeleteObjectCommand({ Bucket: benchBucket, Key: key }));
      }
      const rawMovesPerSecond = rawMoves.length / ((performance.now() - moveStarted) / 1000);
      const sweep = runOrphans(env, ['--sweep', '--json', '--max-share-percent', '20']);
      const sweptPerSecond = sweep.stores[0]!.tombstoned / (sweep.tookMs / 1000);
      if (sweep.stores[0]!.tombstoned !== report.stores[0]!.orphans || sweep.stores[0]!.errors.length > 0) {
        throw new Error(`the sweep moved ${sweep.stores[0]!.tombstoned} of ${report.stores[0]!.orphans} orphans: ${sweep.stores[0]!.errors.slice(0, 3).join('; ')}`);
      }

      // Knowing fast with the shipped defaults: the worker as compose runs it, then its S3 killed.
      const workerPort = await benchPort('mediaWorker');
      const readyUrl = `http://127.0.0.1:${workerPort}/health/ready`;
      const worker = await startProgram('apps/media-service/src/main-worker.ts', { ...env, MEDIA_WORKER_PORT: String(workerPort) }, readyUrl);
      let detectedS: number;
      try {
        await s3server.stop('SIGKILL');
        const killedAt = performance.now();
        for (;;) {
          const answer = (await (await fetch(readyUrl, { signal: AbortSignal.timeout(2000) })).json()) as { checks: Record<string, { status: string }> };
          if (answer.checks['storage']?.status === 'down') break;
          if (performance.now() - killedAt > 120_000) throw new Error('the worker did not report its S3 down within 120 s');
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        detectedS = (performance.now() - killedAt) / 1000;
      } finally {
        await worker.stop();
      }

      const rows: BenchRow[] = [
        row('orphan report (media:orphans --report)', reportPerSecond, 'objects/s', listPerSecond, `${report.stores[0]!.mediaObjects} objects, ${report.stores[0]!.orphans} orphans; median of ${rounds} alternating rounds; baseline: ListObjects pages of the same keys`),
        row('orphan sweep (media:orphans --sweep)', sweptPerSecond, 'moves/s', rawMovesPerSecond, `${sweep.stores[0]!.tombstoned} tombstoned in ${sweep.tookMs} ms (HEAD, copy, HEAD, row re-check, delete each); baseline: CopyObject + DeleteObject`),
        row('S3 killed → worker readiness says storage down', detectedS, 's', 60, 'shipped defaults (a probe every 15 s, down after two failures); baseline: an S3 outage noticed within 60 s, as the media service promises'),
      ];
      return rows;
    } finally {
      s3.destroy();
      await s3server.stop('SIGKILL');
      await database.close();
      for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** A database of its own (not the media bench's, which another run may be using), migrated afresh. */
async function prepareDatabase(): Promise<Database<Schema>> {
  const config = loadStackConfig();
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: config.DB_PRIMARY_PORT, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await admin.query(`CREATE DATABASE \`${databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const database = createDatabase<Schema>({ host: '127.0.0.1', port: config.DB_PRIMARY_PORT, user: config.DB_USER, password: config.DB_PASSWORD, database: databaseName, poolSize: 4, connectTimeoutMs: 2000, queryTimeoutMs: 120_000 });
  await migrateToLatest(database.db);
  return database;
}

function runOrphans(env: Record<string, string>, args: string[]): OrphanReport {
  const run = spawnSync(process.execPath, ['apps/media-service/src/cli/orphans-cli.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`media:orphans ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as OrphanReport;
}

function ageFiles(directory: string, at: Date): void {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) ageFiles(full, at);
    else fs.utimesSync(full, at, at);
  }
}
