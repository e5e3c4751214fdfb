/**
 * The worker alone, fed through its queue: store throughput against PutObject of the same files,
 * and previews against plain sharp on the same files, each at the same concurrency, in
 * alternating rounds (medians), so that a slow spell of a shared machine hits both sides.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import type { Database as Schema } from '@chucar/domain';
import type { Database } from '@chucar/platform';
import { median, row, type BenchRow } from './harness.ts';
import { benchBucket, cpuSince, createOwner, spoolUploads, waitForRows, type openMediaQueue, type sampleRss } from './media-setup.ts';

export interface PhaseContext {
  database: Database<Schema>;
  ownerId: number;
  queue: ReturnType<typeof openMediaQueue>;
  plain: S3Client;
  spoolDir: string;
  filesDir: string;
  concurrency: number;
  rounds: number;
  workerPid: number;
  s3Pid: number;
  /** The worker's resident set: sampled through each phase, against its idle value. */
  workerRss: ReturnType<typeof sampleRss>;
  workerIdleMiB: number;
}

const mib = 1024 * 1024;
const storeCases = [
  { label: '1 MB', bytes: mib, count: 96 },
  { label: '5 MB', bytes: 5 * mib, count: 40 },
];
const previewPhotos = 8;

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function writeFiles(dir: string, prefix: string, files: readonly Buffer[]): string[] {
  return files.map((bytes, index) => {
    const file = path.join(dir, `${prefix}-${index}`);
    fs.writeFileSync(file, bytes);
    return file;
  });
}

/** CPU ms a side spent per upload: the process doing the work, and the S3 server taking it. */
interface CpuPerUpload {
  client: number;
  s3: number;
}

async function withCpu(pids: { client: number | 'self'; s3: number }, count: number, work: () => Promise<void>): Promise<CpuPerUpload> {
  const used = cpuSince(pids);
  await work();
  const { client, s3 } = used();
  return { client: client! / count, s3: s3! / count };
}

export async function measureWorkerStore(context: PhaseContext): Promise<{ rows: BenchRow[]; steadyOneMegabyteRate: number }> {
  const rows: BenchRow[] = [];
  let steadyOneMegabyteRate = 0;
  for (const storeCase of storeCases) {
    const worked: number[] = [];
    const raw: number[] = [];
    const workerCpu: CpuPerUpload[] = [];
    const rawCpu: CpuPerUpload[] = [];
    context.workerRss.reset();
    for (let round = 0; round < context.rounds; round++) {
      const files = Array.from({ length: storeCase.count }, () => randomBytes(storeCase.bytes));
      const paths = writeFiles(context.filesDir, `${storeCase.bytes}-${round}`, files);
      // Documents: the store job alone, with no previews queued behind it.
      const ids = await spoolUploads(context.database, context.ownerId, context.spoolDir, files, 'application/pdf');
      rawCpu.push(
        await withCpu({ client: 'self', s3: context.s3Pid }, storeCase.count, async () => {
          const started = performance.now();
          await inParallel(paths, context.concurrency, (file) =>
            context.plain.send(new PutObjectCommand({ Bucket: benchBucket, Key: `raw/${path.basename(file)}`, Body: fs.createReadStream(file), ContentLength: storeCase.bytes })),
          );
          raw.push(storeCase.count / ((performance.now() - started) / 1000));
        }),
      );
      workerCpu.push(
        await withCpu({ client: context.workerPid, s3: context.s3Pid }, storeCase.count, async () => {
          const started = performance.now();
          await context.queue.enqueue('store', ids);
          worked.push(storeCase.count / ((await waitForRows(context.database, ids, { status: 'stored' }, started)) / 1000));
        }),
      );
      for (const file of paths) fs.rmSync(file);
    }
    const measured = median(worked);
    const baseline = median(raw);
    if (storeCase.label === '1 MB') steadyOneMegabyteRate = measured;
    rows.push(row(`worker store, ${storeCase.label} originals`, measured, 'uploads/s', baseline, `baseline: PutObject of the same files, same server, ${context.concurrency} in flight; target >= 0.8x`));
    rows.push(row(`worker store, ${storeCase.label} originals, bytes`, (measured * storeCase.bytes) / mib, 'MiB/s', (baseline * storeCase.bytes) / mib));
    rows.push(row(`  CPU per ${storeCase.label} upload in the worker`, median(workerCpu.map((cpu) => cpu.client)), 'ms', median(rawCpu.map((cpu) => cpu.client)), 'baseline: the PutObject client; both run on the same 2 cores as the S3 server'));
    rows.push(row(`  CPU per ${storeCase.label} upload in the S3 server`, median(workerCpu.map((cpu) => cpu.s3)), 'ms', median(rawCpu.map((cpu) => cpu.s3)), 'the worker adds a HEAD per object'));
    rows.push(row(`  worker peak RSS while ${storeCase.label} originals flow`, context.workerRss.peakMiB(), 'MiB', context.workerIdleMiB, `baseline: the same worker idle; ${(context.rounds * storeCase.count * storeCase.bytes) / mib} MiB stored`));
  }
  return { rows, steadyOneMegabyteRate };
}

/** Photo-like 12 MP JPEGs (smoothed noise compresses like a photo, unlike a flat colour). */
function twelveMegapixelPhotos(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 90 + index * 10, g: 120, b: 150 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } })
        .blur(1.2)
        .jpeg({ quality: 88 })
        .toBuffer(),
    ),
  );
}

export async function measurePreviews(context: PhaseContext): Promise<BenchRow[]> {
  const photos = await twelveMegapixelPhotos(previewPhotos);
  const paths = writeFiles(context.filesDir, 'photo', photos);
  const previewed: number[] = [];
  const plainSharp: number[] = [];
  context.workerRss.reset();
  for (let round = 0; round < context.rounds; round++) {
    // The same photos again need another owner: one owner holds a content once.
    const owner = round === 0 ? context.ownerId : await createOwner(context.database, `previews-${round}`);
    const ids = await spoolUploads(context.database, owner, context.spoolDir, photos, 'image/jpeg');
    // Previews are made from stored originals: these rows skip the store step.
    await context.database.db.updateTable('media').set({ status: 'stored', stored_at: new Date(), verified_at: new Date() }).where('id', 'in', ids).execute();
    const sharpStarted = performance.now();
    await inParallel(paths, context.concurrency, (file) =>
      Promise.all([320, 1280].map((width) => sharp(file).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer())),
    );
    plainSharp.push(photos.length / ((performance.now() - sharpStarted) / 1000));
    const started = performance.now();
    await context.queue.enqueue('variants', ids);
    previewed.push(photos.length / ((await waitForRows(context.database, ids, { status: 'stored', variants: 'ready' }, started)) / 1000));
  }
  for (const file of paths) fs.rmSync(file);
  return [
    row('worker previews of 12 MP JPEGs (w320 + w1280 WebP)', median(previewed), 'images/s', median(plainSharp), `baseline: plain sharp, same two sizes, same files, ${context.concurrency} in flight; target >= 0.8x`),
    row('  worker peak RSS while making previews', context.workerRss.peakMiB(), 'MiB', context.workerIdleMiB, 'baseline: the same worker idle'),
  ];
}
