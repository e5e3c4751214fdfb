/**
 * The scrubber against what it wraps, on its own s3rver and the media benchmark's database:
 * - HEAD pass: objects/s of one `head` pass run by the worker as its scheduled job runs it (its own
 *   timing from /metrics: listing, HEADs at MEDIA_SCRUB_HEAD_CONCURRENCY, recording), against raw
 *   HeadObject of the same keys at the same concurrency in the same run;
 * - full pass: MiB/s of one `full` pass with its pace lifted (streamed GET, SHA-256, recording),
 *   against raw GetObject of the same keys read to the end, one at a time as the pass reads;
 * - the pace: `npm run media:scrub -- --pass full --rate R` never reads faster than R;
 * - deletion to restored: an object of the newest window deleted behind the worker's back, until a
 *   HEAD shows it back (the worker's HEAD pass scheduled every few seconds here; 5 min by default).
 * The scrubber runs as the processes an operator runs (the CLI, main-worker.ts): a benchmark does
 * not import an app.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createKyselyMediaIntegrityRepository, createRepositories, type Database as Schema } from '@chucar/domain';
import type { Database } from '@chucar/platform';
import { localS3Credentials } from '@chucar/platform/testing';
import { repoRoot } from '../tools/stack/config.ts';
import { median, row, type BenchRow } from './harness.ts';
import { benchPort } from './isolation.ts';
import { benchBucket, benchMediaEnv, benchMediaNames, createOwner, openMediaQueue, scratchDir, sha256Of, startProgram, startS3Server, type MediaBenchNames } from './media-setup.ts';

const run = promisify(execFile);
const mib = 1024 * 1024;
const headConcurrency = 8;
const headIntervalMs = 3000;

export interface ScrubPhaseOptions {
  /** The database and queue prefix (the bench's own unless a test passes others). */
  names: MediaBenchNames;
  smallObjects: number;
  largeObjects: number;
  /** How long one pass may take before the phase fails (its job was never taken, say). */
  passTimeoutMs: number;
}

const defaultOptions: ScrubPhaseOptions = {
  names: benchMediaNames,
  smallObjects: Number(process.env['BENCH_SCRUB_SMALL_OBJECTS'] ?? 400),
  largeObjects: Number(process.env['BENCH_SCRUB_LARGE_OBJECTS'] ?? 30),
  passTimeoutMs: 600_000,
};

interface StoredObject {
  mediaId: string;
  key: string;
  sizeBytes: number;
}

export async function measureScrub(database: Database<Schema>, rounds: number, choices: Partial<ScrubPhaseOptions> = {}): Promise<BenchRow[]> {
  const options = { ...defaultOptions, ...choices };
  const { smallObjects, largeObjects } = options;
  const dirs = { s3: scratchDir('bench-scrub-s3'), spool: scratchDir('bench-scrub-spool') };
  const s3Port = await benchPort('s3');
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  const s3server = await startS3Server(s3Port, dirs.s3);
  const plain = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
  const env = { ...process.env, ...benchMediaEnv({ s3Endpoint, spoolDir: dirs.spool, names: options.names }), LOG_LEVEL: 'warn' };
  const ownerId = await createOwner(database, 'scrub');
  const rows: BenchRow[] = [];
  try {
    const objects = await storeObjects(database, plain, ownerId, dirs.spool, smallObjects, largeObjects);
    const totalMiB = objects.reduce((sum, object) => sum + object.sizeBytes, 0) / mib;
    const scrub = async (...args: string[]) => {
      const { stdout } = await run(process.execPath, ['apps/media-service/src/cli/scrub-cli.ts', '--json', ...args], { cwd: repoRoot, env, timeout: 600_000, maxBuffer: 64 * mib });
      const report = JSON.parse(stdout) as { checks: { checked: number; durationMs: number; bytesRead: number; incidents: unknown[] }[] };
      const check = report.checks[0]!;
      if (check.checked !== objects.length || check.incidents.length > 0) throw new Error(`scrub checked ${check.checked} of ${objects.length} objects, ${check.incidents.length} incidents`);
      return check;
    };

    const heads: number[] = [];
    const rawHeads: number[] = [];
    const reads: number[] = [];
    const rawReads: number[] = [];
    const worker = await startScrubWorker(env, {}, options);
    try {
      for (let round = 0; round < rounds; round++) {
        const head = await worker.runPass('head');
        if (head.checked !== objects.length) throw new Error(`the HEAD pass checked ${head.checked} of ${objects.length} objects`);
        heads.push(head.checked / head.seconds);
        rawHeads.push(objects.length / ((await timed(() => inParallel(objects, headConcurrency, (object) => plain.send(new HeadObjectCommand({ Bucket: benchBucket, Key: object.key }))))) / 1000));
        const full = await worker.runPass('full');
        if (full.checked !== objects.length) throw new Error(`the full pass checked ${full.checked} of ${objects.length} objects`);
        reads.push(full.bytes / mib / full.seconds);
        rawReads.push(
          totalMiB /
            ((await timed(async () => {
              for (const object of objects) {
                const answer = await plain.send(new GetObjectCommand({ Bucket: benchBucket, Key: object.key }));
                await answer.Body!.transformToByteArray();
              }
            })) /
              1000),
        );
      }
    } finally {
      await worker.stop();
    }
    const note = `${objects.length} objects (${smallObjects} x 64 KiB, ${largeObjects} x 3 MiB), median of ${rounds}; target >= 0.8x`;
    rows.push(row('scrub HEAD pass (the worker\'s scheduled job)', median(heads), 'objects/s', median(rawHeads), `baseline: raw HeadObject of the same keys, ${headConcurrency} in flight; ${note}`));
    rows.push(row('scrub full pass (the worker\'s job), re-read and SHA-256, pace lifted', median(reads), 'MiB/s', median(rawReads), `baseline: raw GetObject of the same keys read to the end, one at a time; ${note}`));

    const paceMiBps = 8;
    // Through the operator's command this time (a process of its own, paced).
    const paced = await scrub('--pass', 'full', '--rate', String(paceMiBps));
    rows.push(row(`  full pass paced at ${paceMiBps} MiB/s (MEDIA_SCRUB_FULL_BYTES_PER_S)`, paced.bytesRead / mib / (paced.durationMs / 1000), 'MiB/s', paceMiBps, 'the pace holds: it must not exceed the configured rate'));

    rows.push(...(await measureDeletionToRestored(env, plain, objects)));
    return rows;
  } finally {
    plain.destroy();
    await s3server.stop('SIGTERM');
    // The rest of the media benchmark shares this database: its rows leave with the phase.
    const ids = database.db.selectFrom('media').select('id').where('owner_id', '=', ownerId);
    await database.db.deleteFrom('media_incidents').where('media_id', 'in', ids).execute();
    await database.db.deleteFrom('media_object_copies').where('media_id', 'in', ids).execute();
    await database.db.deleteFrom('media').where('owner_id', '=', ownerId).execute();
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Originals as the worker leaves them: the object with its SHA-256 metadata, the stored row, the primary copy, the spool copy. */
async function storeObjects(database: Database<Schema>, plain: S3Client, ownerId: number, spoolDir: string, smallObjects: number, largeObjects: number): Promise<StoredObject[]> {
  const media = createRepositories(database.db).media;
  const integrity = createKyselyMediaIntegrityRepository(database.db);
  fs.mkdirSync(path.join(spoolDir, 'objects'), { recursive: true });
  const sizes = [...Array.from({ length: smallObjects }, () => 64 * 1024), ...Array.from({ length: largeObjects }, () => 3 * mib)];
  const stored: StoredObject[] = [];
  await inParallel(sizes, 8, async (sizeBytes) => {
    const bytes = randomBytes(sizeBytes);
    const sha256 = sha256Of(bytes);
    const id = randomUUID();
    const key = `originals/${id}`;
    await plain.send(new PutObjectCommand({ Bucket: benchBucket, Key: key, Body: bytes, Metadata: { sha256, 'media-id': id } }));
    fs.writeFileSync(path.join(spoolDir, 'objects', id), bytes);
    const now = new Date();
    await media.insert({ id, ownerId, sha256, sizeBytes, contentType: 'application/pdf' }, now);
    await media.markStored(id, now);
    await integrity.recordCopy({ store: 'primary', objectKey: key, mediaId: id, sha256, sizeBytes }, now, false);
    stored.push({ mediaId: id, key, sizeBytes });
  });
  return stored;
}

/** main-worker.ts with no scrub scheduled and the full pass unpaced; `runPass` queues one and reads its figures from /metrics. */
async function startScrubWorker(env: NodeJS.ProcessEnv, extra: Record<string, string>, options: ScrubPhaseOptions) {
  const port = await benchPort('mediaWorker');
  const worker = await startProgram(
    'apps/media-service/src/main-worker.ts',
    {
      ...(env as Record<string, string>),
      MEDIA_WORKER_PORT: String(port),
      MEDIA_SCRUB_FULL_BYTES_PER_S: String(64 * 1024 * mib),
      MEDIA_SCRUB_FULL_RUN_S: '3600',
      // Nothing else on the same s3rver while a pass is timed: the orphan report lists the bucket
      // at start, and the idle store probe's HeadBucket lists it too on s3rver.
      MEDIA_ORPHAN_SCHEDULE: 'off',
      MEDIA_STORAGE_PROBE_INTERVAL_MS: '60000',
      ...extra,
    },
    `http://127.0.0.1:${port}/health/ready`,
  );
  const queue = openMediaQueue(options.names.queuePrefix);
  const metric = async (name: string, pass: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const found = new RegExp(`^${name}\\{pass="${pass}"\\} (\\S+)$`, 'm').exec(text);
    return found ? Number(found[1]) : null;
  };
  let runs = 0;
  return {
    async runPass(pass: 'head' | 'full') {
      const before = await metric('media_scrub_last_finished_seconds', pass);
      await queue.queue.add('scrub', { pass }, { jobId: `bench-scrub-${pass}-${++runs}`, removeOnComplete: true, removeOnFail: true });
      const deadline = performance.now() + options.passTimeoutMs;
      for (;;) {
        const finished = await metric('media_scrub_last_finished_seconds', pass);
        if (finished !== null && finished !== before) break;
        if (performance.now() > deadline) throw new Error(`the ${pass} pass did not finish within ${options.passTimeoutMs / 1000} s: was its job (queue prefix ${options.names.queuePrefix}) taken by another worker?`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return {
        checked: (await metric('media_scrub_last_pass_checked', pass)) ?? 0,
        seconds: (await metric('media_scrub_last_pass_seconds', pass)) ?? Number.NaN,
        bytes: (await metric('media_scrub_last_pass_bytes', pass)) ?? 0,
      };
    },
    async stop() {
      await worker.stop('SIGTERM');
      await queue.close();
    },
  };
}

/** The worker with its HEAD pass every few seconds; objects of the newest window deleted one at a time. */
async function measureDeletionToRestored(env: NodeJS.ProcessEnv, plain: S3Client, objects: readonly StoredObject[]): Promise<BenchRow[]> {
  const port = await benchPort('mediaWorker');
  const worker = await startProgram(
    'apps/media-service/src/main-worker.ts',
    { ...(env as Record<string, string>), MEDIA_WORKER_PORT: String(port), MEDIA_SCRUB_HEAD_INTERVAL_MS: String(headIntervalMs) },
    `http://127.0.0.1:${port}/health/ready`,
  );
  const samples: number[] = [];
  try {
    for (const object of objects.slice(0, 3)) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await plain.send(new DeleteObjectCommand({ Bucket: benchBucket, Key: object.key }));
      const deletedAt = performance.now();
      for (;;) {
        const back = await plain.send(new HeadObjectCommand({ Bucket: benchBucket, Key: object.key })).then(
          () => true,
          () => false,
        );
        if (back) break;
        if (performance.now() - deletedAt > 60_000) throw new Error(`${object.key} not restored within 60 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      samples.push(performance.now() - deletedAt);
    }
  } finally {
    await worker.stop('SIGTERM');
  }
  return [
    row(
      'deletion to restored, newest window (worker, HEAD pass scheduled)',
      median(samples),
      'ms',
      headIntervalMs,
      `baseline: the HEAD pass interval in this run (MEDIA_SCRUB_HEAD_INTERVAL_MS; default 5 min): detection waits for the next pass, then restores from the spool; ${samples.length} deletions, max ${Math.round(Math.max(...samples))} ms`,
    ),
  ];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
