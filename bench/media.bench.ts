/**
 * The media path against what it wraps, in the same run and on the same servers (its own s3rver):
 * - worker store: originals of 1 MB and 5 MB through the worker (hash, PUT, HEAD, rows) until every
 *   row is `stored`, against plain PutObject of the same files at the same concurrency;
 * - worker previews: variants jobs on 12 MP JPEGs until `ready`, against plain sharp making the
 *   same two WebP sizes from the same files at the same concurrency;
 * - through the gateway: 16 clients upload 1 MB and 5 MB photos until stored, against PutObject of
 *   the same bytes at 16 in flight; accept latency with S3 up and while it is down; peak RSS of
 *   the gateway, the media API and the worker while about 1 GiB flows, against each one idle;
 * - drain: the backlog left by the outage, from S3's return until stored, against the steady rate;
 * - scrub: HEAD and full passes against raw HeadObject and GetObject of the same keys,
 *   and deletion to restored (media-scrub-phase.ts; alone: npm run bench -- media-scrub).
 */
import fs from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { loadStackConfig } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { percentile, row, type Benchmark, type BenchRow } from './harness.ts';
import { benchPort } from './isolation.ts';
import { measureThroughput, photosOfSize, signUpClients, startUploadPath, uploadClients, uploadThroughGateway } from './media-gateway.ts';
import { openMediaQueue, prepareMediaDatabase, sampleRss, scratchDir, startS3Server, startWorker, waitForRows } from './media-setup.ts';
import { measureScrub } from './media-scrub-phase.ts';
import { measurePreviews, measureWorkerStore } from './media-worker-phases.ts';

const concurrency = Number(process.env['BENCH_MEDIA_CONCURRENCY'] ?? 8);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const outageSeconds = Number(process.env['BENCH_MEDIA_OUTAGE_S'] ?? 60);
const mib = 1024 * 1024;

export const benchmark: Benchmark = {
  name: 'media',
  description: `media worker at ${concurrency} jobs in flight vs raw PutObject and plain sharp (median of ${rounds} rounds), ${uploadClients} clients through the gateway, a ${outageSeconds} s S3 outage`,
  async run() {
    await stackUp(loadStackConfig());
    const { database, ownerId } = await prepareMediaDatabase();
    const dirs = { s3: scratchDir('bench-media-s3'), spool: scratchDir('bench-media-spool'), files: scratchDir('bench-media-files') };
    const s3Port = await benchPort('s3');
    const s3Endpoint = `http://127.0.0.1:${s3Port}`;
    let s3server = await startS3Server(s3Port, dirs.s3);
    const worker = await startWorker({ s3Endpoint, spoolDir: dirs.spool, concurrency });
    const queue = openMediaQueue();
    const plain = new S3Client({ endpoint: s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const uploadPath = await startUploadPath({ s3Endpoint, spoolDir: dirs.spool });
    const rows: BenchRow[] = [];
    try {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const watched = [...uploadPath.processes, { name: 'worker', pid: worker.pid }];
      const idleMiB = Object.fromEntries(watched.map(({ name, pid }) => [name, sampleRss(pid).currentMiB()]));
      const workerRss = sampleRss(worker.pid);
      const context = { database, ownerId, queue, plain, spoolDir: dirs.spool, filesDir: dirs.files, concurrency, rounds, workerPid: worker.pid, s3Pid: s3server.child.pid!, workerRss, workerIdleMiB: idleMiB['worker']! };
      // The scrubber first, on a server of its own, while the database holds only its objects.
      rows.push(...(await measureScrub(database, rounds)));
      const store = await measureWorkerStore(context);
      rows.push(...store.rows);
      rows.push(...(await measurePreviews(context)));
      workerRss.stop();

      const tokens = await signUpClients(uploadPath.gatewayUrl, uploadClients);
      const peaks: Record<string, number> = {};
      let flowedMiB = 0;
      let normalAccept: number[] = [];
      for (const [label, size, perClient] of [['1 MB', 1, 16], ['5 MB', 5, 10]] as const) {
        const photos = await photosOfSize(perClient, size);
        const figures = await measureThroughput(database, uploadPath, tokens, photos, plain, watched, s3server.child.pid!);
        const megabytes = photos.reduce((sum, photo) => sum + photo.length, 0) / mib / photos.length;
        flowedMiB += megabytes * photos.length * tokens.length;
        for (const [name, peak] of Object.entries(figures.peakRssMiB)) peaks[name] = Math.max(peaks[name] ?? 0, peak);
        const note = `baseline: PutObject of the same bytes, same server, ${uploadClients} in flight; target >= 0.8x`;
        rows.push(row(`${uploadClients} clients through the gateway, ${label} photos, until stored`, figures.uploadsPerSecond, 'uploads/s', figures.rawUploadsPerSecond, note));
        rows.push(row(`${uploadClients} clients through the gateway, ${label} photos, bytes`, figures.uploadsPerSecond * megabytes, 'MiB/s', figures.rawUploadsPerSecond * megabytes));
        rows.push(row(`accept latency (202) p50, ${label}, S3 up`, figures.acceptP50Ms, 'ms', null));
        rows.push(row(`accept latency (202) p99, ${label}, S3 up`, figures.acceptP99Ms, 'ms', null));
        for (const [name, cpu] of Object.entries(figures.cpuMsPerUpload)) {
          rows.push(row(`  CPU per ${label} upload through the gateway: ${name}`, cpu, 'ms', figures.rawCpuMsPerUpload[name] ?? null, name === 's3rver' || name === 'client' ? 'baseline: the same process for a plain PutObject' : name === 'worker' ? 'includes the previews made meanwhile' : ''));
        }
        if (label === '1 MB') normalAccept = [figures.acceptP50Ms, figures.acceptP99Ms];
      }
      for (const { name } of watched) rows.push(row(`${name} peak RSS while ${Math.round(flowedMiB)} MiB flow through the gateway`, peaks[name]!, 'MiB', idleMiB[name]!, 'baseline: the same process idle'));

      // Previews of those photos queue behind the stores; let them finish before the outage.
      const backlogOfPreviews = await database.db.selectFrom('media').select('id').where('variants_status', '=', 'pending').execute();
      if (backlogOfPreviews.length > 0) await waitForRows(database, backlogOfPreviews.map((media) => media.id), { status: 'stored', variants: 'ready' }, performance.now());

      // S3 away: uploads keep arriving through the gateway at a steady pace for the whole outage.
      await s3server.stop('SIGKILL');
      const outagePhotos = await photosOfSize(6, 1);
      const outageStarted = performance.now();
      const pauseMs = Math.max(0, (outageSeconds * 1000) / outagePhotos.length - 200);
      const during = await uploadThroughGateway(uploadPath.gatewayUrl, tokens, outagePhotos, pauseMs);
      while (performance.now() - outageStarted < outageSeconds * 1000) await new Promise((resolve) => setTimeout(resolve, 100));
      const sortedDuring = [...during.acceptMs].sort((a, b) => a - b);
      rows.push(row('accept latency (202) p50, 1 MB, S3 down', percentile(sortedDuring, 50), 'ms', normalAccept[0]!, 'baseline: the same with S3 up; the outage must not show'));
      rows.push(row('accept latency (202) p99, 1 MB, S3 down', percentile(sortedDuring, 99), 'ms', normalAccept[1]!, 'baseline: the same with S3 up'));

      s3server = await startS3Server(s3Port, dirs.s3);
      const backAt = Date.now();
      await waitForRows(database, during.ids, { status: 'stored' }, performance.now());
      const stored = await database.db.selectFrom('media').select(({ fn }) => [fn.min('stored_at').as('first'), fn.max('stored_at').as('last')]).where('id', 'in', during.ids).executeTakeFirstOrThrow();
      const firstMs = new Date(stored.first as Date).getTime();
      const lastMs = new Date(stored.last as Date).getTime();
      const note = "baseline: the worker's steady 1 MB store rate above";
      rows.push(row(`drain of ${during.ids.length} x 1 MB photos after a ${outageSeconds} s S3 outage, from S3's return`, during.ids.length / ((lastMs - backAt) / 1000), 'uploads/s', store.steadyOneMegabyteRate, note));
      rows.push(row('  the same drain once the worker resumed (first to last stored)', (during.ids.length - 1) / ((lastMs - firstMs) / 1000), 'uploads/s', store.steadyOneMegabyteRate, note));
      rows.push(row('  first upload of the backlog stored after S3 returns', firstMs - backAt, 'ms', null, 'the worker probes the bucket every second while S3 is down'));
      return rows;
    } finally {
      await uploadPath.stop();
      await worker.stop('SIGTERM');
      await queue.close();
      plain.destroy();
      await s3server.stop('SIGTERM');
      await database.close();
      for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
