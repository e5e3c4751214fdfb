/**
 * What the media benchmark runs against: a database of its own (migrated afresh each run), its own
 * s3rver process (the worker and the raw-PutObject baseline write to the same server), a spool
 * directory, the worker as the process compose runs (main-worker.ts), and the queue it reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { createRepositories, type Database as Schema, type MediaContentType } from '@chucar/domain';
import { createDatabase, type Database } from '@chucar/platform';
import { localS3Credentials } from '@chucar/platform/testing';
import { migrateToLatest } from '../tools/db/migrations.ts';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { httpAnswers, waitUntil } from '../tools/stack/processes.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { cpuTimeMs } from './process-usage.ts';

/** The database and queue prefix of a media bench run; a test passes names of its own. */
export interface MediaBenchNames {
  database: string;
  queuePrefix: string;
}

export const benchMediaNames: MediaBenchNames = { database: BENCH_NAMES.media.database, queuePrefix: BENCH_NAMES.media.queuePrefix };
export const benchDatabase = benchMediaNames.database;
/** On the bench's own s3rver. */
export const benchBucket = BENCH_NAMES.media.bucket;

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The database of the run: dropped, created and migrated, with one customer owning every upload. */
export async function prepareMediaDatabase(names: MediaBenchNames = benchMediaNames): Promise<{ database: Database<Schema>; ownerId: number }> {
  const { database: databaseName } = names;
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
  return { database, ownerId: await createOwner(database, 'main') };
}

/** A customer to own uploads; the same bytes need another owner each time (one owner holds a content once). */
export function createOwner(database: Database<Schema>, label: string): Promise<number> {
  return createRepositories(database.db).accounts.insertAccount({
    email: `media-bench-${label}@bench.chucar.kr`,
    passwordHash: 'not-a-real-hash',
    role: 'customer',
    status: 'active',
    displayName: `Media benchmark ${label}`,
    createdAt: new Date(),
  });
}

/** A child process that prints a line when it is ready; stopped with SIGKILL (an outage) or SIGTERM. */
export interface BenchProcess {
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function stopper(child: ChildProcess): (signal?: NodeJS.Signals) => Promise<void> {
  return async (signal = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
}

/** Its own s3rver, on a fixed port and directory so that it can be stopped and started again. */
export async function startS3Server(port: number, directory: string): Promise<BenchProcess> {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const child = spawn(process.execPath, [cli, '--directory', directory, '--address', '127.0.0.1', '--port', String(port), '--silent', '--configure-bucket', benchBucket], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => line.startsWith('S3rver listening') && resolve());
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, stop: stopper(child) };
}

export interface WorkerSettings {
  s3Endpoint: string;
  spoolDir: string;
  concurrency: number;
  /** More environment (a mirror store). */
  env?: Record<string, string>;
}

export const benchServiceSecret = 'benchmark-media-service-secret-0123456789';

/** What the media API and the worker share: database, spool, bucket, queue, the gateway's secret. */
export function benchMediaEnv(settings: { s3Endpoint: string; spoolDir: string; names?: MediaBenchNames }): Record<string, string> {
  const names = settings.names ?? benchMediaNames;
  return {
    MEDIA_SERVICE_SECRET: benchServiceSecret,
    DB_NAME: names.database,
    // The bench's database is the primary's: empty wins over a cluster the environment may name.
    DB_CLUSTER_NODES: '',
    MEDIA_SPOOL_DIR: settings.spoolDir,
    S3_ENDPOINT: settings.s3Endpoint,
    S3_BUCKET: benchBucket,
    S3_ACCESS_KEY_ID: localS3Credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: localS3Credentials.secretAccessKey,
    MEDIA_QUEUE_PREFIX: names.queuePrefix,
    // Its own s3rver has no mirror; empty wins over a mirror the environment may name.
    MEDIA_MIRROR_BUCKET: '',
    // The benchmark queues its own work; the reconciler would only add noise.
    MEDIA_RECONCILE_INTERVAL_MS: '600000',
    // Likewise the scrub passes (their own rows time them: media-scrub-phase.ts).
    MEDIA_SCRUB_HEAD_INTERVAL_MS: '0',
    MEDIA_SCRUB_FULL_INTERVAL_MS: '0',
    MEDIA_MIRROR_CATCHUP_INTERVAL_MS: '600000',
    MEDIA_PURGE_INTERVAL_MS: '600000',
  };
}

/**
 * With BENCH_CPU_PROF_DIR set, each program writes a V8 CPU profile when it exits, into a folder
 * named after its entry (summarise them with bench/cpu-profile-summary.ts).
 */
function profilingFlags(entry: string): string[] {
  const dir = process.env['BENCH_CPU_PROF_DIR'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, path.basename(entry, '.ts'))}`] : [];
}

/**
 * Where the programs a bench starts write their logs (JSON, warn and above), one file per program
 * appended run after run: a failed upload or a refused connection in a bench is explained there.
 */
export const benchLogDir = process.env['BENCH_LOG_DIR'] ?? path.join(os.tmpdir(), 'chucar-bench-logs');
let logDirAnnounced = false;

/** Opens `name`'s log for appending, with a line that marks this start; returns its descriptor. */
export function openBenchLog(name: string): number {
  fs.mkdirSync(benchLogDir, { recursive: true });
  if (!logDirAnnounced) console.error(`programs' logs: ${benchLogDir}`);
  logDirAnnounced = true;
  const fd = fs.openSync(path.join(benchLogDir, `${name}.log`), 'a');
  fs.writeSync(fd, `--- ${new Date().toISOString()} started\n`);
  return fd;
}

/** A program of the repository as compose runs it: production mode, JSON logs at warn (in benchLogDir); ready once `readyUrl` answers 2xx. */
export async function startProgram(entry: string, env: Record<string, string>, readyUrl: string): Promise<BenchProcess & { pid: number }> {
  // apps/api-gateway/src/main.ts logs to api-gateway-main.log
  const log = openBenchLog(entry.replace(/^apps\//, '').replace('/src/', '-').replace(/\.ts$/, '').replaceAll('/', '-'));
  const child = spawn(process.execPath, [...profilingFlags(entry), entry], { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', ...env }, stdio: ['ignore', log, 'inherit'] });
  // The child holds its own copy of the descriptor.
  fs.closeSync(log);
  const stop = stopper(child);
  try {
    await waitUntil(entry, () => httpAnswers(readyUrl, (status) => status < 300), 30_000);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { child, pid: child.pid!, stop };
}

/** main-worker.ts on the bench's database, spool, bucket and queue. */
export async function startWorker(settings: WorkerSettings): Promise<BenchProcess & { pid: number }> {
  const port = await benchPort('mediaWorker');
  const env = { ...benchMediaEnv(settings), MEDIA_WORKER_PORT: String(port), MEDIA_WORKER_CONCURRENCY: String(settings.concurrency), ...settings.env };
  return startProgram('apps/media-service/src/main-worker.ts', env, `http://127.0.0.1:${port}/health/ready`);
}

/**
 * The media queue as the worker reads it (apps/media-service/src/queue: name `media`, job ids
 * `<job>-<mediaId>`); a benchmark may not import an app, so it speaks the protocol itself.
 */
export function openMediaQueue(queuePrefix: string = benchMediaNames.queuePrefix): { queue: Queue; enqueue(name: 'store' | 'variants', ids: readonly string[]): Promise<void>; close(): Promise<void> } {
  const config = loadStackConfig();
  const connection = new Redis({ host: '127.0.0.1', port: config.REDIS_PORT, maxRetriesPerRequest: null });
  const queue = new Queue('media', { connection, prefix: queuePrefix });
  return {
    queue,
    async enqueue(name, ids) {
      await queue.addBulk(ids.map((mediaId) => ({ name, data: { mediaId }, opts: { jobId: `${name}-${mediaId}`, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: true } })));
    },
    async close() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      connection.disconnect();
    },
  };
}

/** Uploads as intake leaves them: the spool copy, then the `spooled` row. */
export async function spoolUploads(database: Database<Schema>, ownerId: number, spoolDir: string, files: readonly Buffer[], contentType: MediaContentType): Promise<string[]> {
  const repositories = createRepositories(database.db);
  const objectsDir = path.join(spoolDir, 'objects');
  fs.mkdirSync(objectsDir, { recursive: true });
  const ids: string[] = [];
  for (const bytes of files) {
    const id = randomUUID();
    fs.writeFileSync(path.join(objectsDir, id), bytes);
    await repositories.media.insert({ id, ownerId, sha256: sha256Of(bytes), sizeBytes: bytes.length, contentType }, new Date());
    ids.push(id);
  }
  return ids;
}

/** Polls until every row matches; returns when the last one did (ms since `startedAt`). */
export async function waitForRows(database: Database<Schema>, ids: readonly string[], done: { status: 'stored'; variants?: 'ready' }, startedAt: number, timeoutMs = 600_000): Promise<number> {
  for (;;) {
    let query = database.db.selectFrom('media').select(({ fn }) => fn.countAll<number>().as('count')).where('id', 'in', [...ids]).where('status', '=', done.status);
    if (done.variants) query = query.where('variants_status', '=', done.variants);
    const { count } = await query.executeTakeFirstOrThrow();
    if (Number(count) === ids.length) return performance.now() - startedAt;
    if (performance.now() - startedAt > timeoutMs) throw new Error(`${ids.length - Number(count)} of ${ids.length} media not ${done.variants ?? done.status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Samples a process's resident set from /proc every 100 ms; `peakMiB` since the last `reset`. */
export function sampleRss(pid: number): { peakMiB(): number; currentMiB(): number; reset(): void; stop(): void } {
  const read = () => {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    return kib / 1024;
  };
  let peak = read();
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read());
    } catch {
      clearInterval(timer);
    }
  }, 100);
  return { peakMiB: () => Math.max(peak, read()), currentMiB: read, reset: () => void (peak = read()), stop: () => clearInterval(timer) };
}

/** CPU ms a process, or this one ('self'), has used so far. */
export function cpuOf(pid: number | 'self'): number {
  if (pid !== 'self') return cpuTimeMs(pid);
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU ms each process (or this one, 'self') used from now until the returned function is called. */
export function cpuSince(processes: Record<string, number | 'self'>): () => Record<string, number> {
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuOf(pid)]));
  return () => Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuOf(pid) - before[name]!]));
}

export function scratchDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
}
