/**
 * Uploads through the whole path: 16 clients POST photos to the gateway, which streams them to the
 * media API (spool, row, job), and the worker stores them. Figures: uploads/s and MiB/s until the
 * last original is stored, against PutObject of the same files at the same concurrency; accept
 * latency (the 202) while S3 answers and while it is down; each process's peak RSS against idle.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import type { Database as Schema } from '@chucar/domain';
import type { Database } from '@chucar/platform';
import { percentile } from './harness.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { benchBucket, benchDatabase, benchMediaEnv, benchServiceSecret, cpuSince, sampleRss, startProgram, waitForRows } from './media-setup.ts';

export const uploadClients = 16;

export interface UploadPath {
  gatewayUrl: string;
  processes: { name: string; pid: number }[];
  stop(): Promise<void>;
}

/** The media API (main-api.ts) and a gateway in front of it, on the bench's database, spool, bucket and queue. */
export async function startUploadPath(settings: { s3Endpoint: string; spoolDir: string }): Promise<UploadPath> {
  const mediaPort = await benchPort('media');
  const gatewayPort = await benchPort('gateway');
  const media = await startProgram('apps/media-service/src/main-api.ts', { ...benchMediaEnv(settings), MEDIA_PORT: String(mediaPort) }, `http://127.0.0.1:${mediaPort}/health/ready`);
  const gateway = await startProgram(
    'apps/api-gateway/src/main.ts',
    {
      DB_NAME: benchDatabase,
      GATEWAY_PORT: String(gatewayPort),
      JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789',
      MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`,
      MEDIA_SERVICE_SECRET: benchServiceSecret,
      RATE_LIMIT_ENABLED: 'false',
      GATEWAY_REDIS_KEY_PREFIX: BENCH_NAMES.media.gatewayRedisKeyPrefix,
      DB_CLUSTER_NODES: '',
    },
    `http://127.0.0.1:${gatewayPort}/health/ready`,
  ).catch(async (error: unknown) => {
    await media.stop();
    throw error;
  });
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    processes: [
      { name: 'gateway', pid: gateway.pid },
      { name: 'media API', pid: media.pid },
    ],
    async stop() {
      await gateway.stop();
      await media.stop();
    },
  };
}

/** One customer per client: the same photo is a new media for each owner (dedup is per owner). */
export async function signUpClients(gatewayUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index++) {
    const answer = await fetch(`${gatewayUrl}/v1/auth/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-uploader-${index}-${Date.now()}@bench.chucar.kr`, password: 'bench-password-1234', displayName: `Uploader ${index}` }),
      signal: AbortSignal.timeout(10_000),
    });
    if (answer.status !== 201) throw new Error(`sign-up answered ${answer.status}: ${await answer.text()}`);
    tokens.push(((await answer.json()) as { accessToken: string }).accessToken);
  }
  return tokens;
}

/** Photo-like JPEGs of about `mebibytes` each (noise at quality 90 takes ~0.62 bytes a pixel). */
export function photosOfSize(count: number, mebibytes: number): Promise<Buffer[]> {
  const pixels = (mebibytes * 1024 * 1024) / 0.62;
  const width = Math.round(Math.sqrt((pixels * 4) / 3));
  const height = Math.round((width * 3) / 4);
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      sharp({ create: { width, height, channels: 3, background: { r: 60 + index * 7, g: 120, b: 150 }, noise: { type: 'gaussian', mean: 120, sigma: 40 } } }).jpeg({ quality: 90 }).toBuffer(),
    ),
  );
}

export interface UploadRun {
  ids: string[];
  acceptMs: number[];
}

/** Every client posts every photo in turn; returns the media ids and each 202's latency. */
export async function uploadThroughGateway(gatewayUrl: string, tokens: readonly string[], photos: readonly Buffer[], pauseMs = 0): Promise<UploadRun> {
  const ids: string[] = [];
  const acceptMs: number[] = [];
  await Promise.all(
    tokens.map(async (token) => {
      for (const photo of photos) {
        const started = performance.now();
        const answer = await fetch(`${gatewayUrl}/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' }, body: photo, signal: AbortSignal.timeout(60_000) });
        acceptMs.push(performance.now() - started);
        if (answer.status !== 202) throw new Error(`upload answered ${answer.status}: ${await answer.text()}`);
        ids.push(((await answer.json()) as { id: string }).id);
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }),
  );
  return { ids, acceptMs };
}

export interface ThroughputFigures {
  uploadsPerSecond: number;
  rawUploadsPerSecond: number;
  acceptP50Ms: number;
  acceptP99Ms: number;
  peakRssMiB: Record<string, number>;
  /** CPU ms per upload of each process on the way (and the S3 server, and the uploading client), from upload to stored. */
  cpuMsPerUpload: Record<string, number>;
  /** The same for the PutObject baseline: the client (this process) and the S3 server. */
  rawCpuMsPerUpload: Record<string, number>;
}

const perUpload = (totals: Record<string, number>, count: number) => Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, ms / count]));

/** Uploads until every original is stored, then PutObject of the same bytes the same number of times. */
export async function measureThroughput(
  database: Database<Schema>,
  upload: UploadPath,
  tokens: readonly string[],
  photos: readonly Buffer[],
  plain: S3Client,
  watched: { name: string; pid: number }[],
  s3Pid: number,
): Promise<ThroughputFigures> {
  const samplers = watched.map(({ name, pid }) => ({ name, rss: sampleRss(pid) }));
  const cpu = cpuSince({ ...Object.fromEntries(watched.map(({ name, pid }) => [name, pid])), s3rver: s3Pid, client: 'self' });
  const started = performance.now();
  const run = await uploadThroughGateway(upload.gatewayUrl, tokens, photos);
  await waitForRows(database, run.ids, { status: 'stored' }, started);
  const elapsedS = (performance.now() - started) / 1000;
  const cpuMsPerUpload = perUpload(cpu(), run.ids.length);
  const peakRssMiB = Object.fromEntries(samplers.map(({ name, rss }) => [name, rss.peakMiB()]));
  for (const { rss } of samplers) rss.stop();
  // The previews of these photos come after their originals; the baseline must not share the CPU with them.
  await waitForRows(database, run.ids, { status: 'stored', variants: 'ready' }, performance.now());

  const puts = tokens.flatMap((_, client) => photos.map((photo, index) => ({ key: `raw-gateway/${client}-${index}-${photos.length}-${photo.length}`, photo })));
  const rawCpu = cpuSince({ s3rver: s3Pid, client: 'self' });
  const rawStarted = performance.now();
  let next = 0;
  await Promise.all(
    tokens.map(async () => {
      while (next < puts.length) {
        const { key, photo } = puts[next++]!;
        await plain.send(new PutObjectCommand({ Bucket: benchBucket, Key: key, Body: photo, ContentType: 'image/jpeg' }));
      }
    }),
  );
  const rawS = (performance.now() - rawStarted) / 1000;
  const rawCpuMsPerUpload = perUpload(rawCpu(), puts.length);
  const sorted = [...run.acceptMs].sort((a, b) => a - b);
  return { uploadsPerSecond: run.ids.length / elapsedS, rawUploadsPerSecond: puts.length / rawS, acceptP50Ms: percentile(sorted, 50), acceptP99Ms: percentile(sorted, 99), peakRssMiB, cpuMsPerUpload, rawCpuMsPerUpload };
}
