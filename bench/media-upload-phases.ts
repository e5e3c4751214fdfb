/**
 * The pieces of the upload baselines (media-upload.bench.ts): the uploading clients, shared by the
 * pipeline and the bare server, and the worker's store done by hand in this process.
 */
import { readFile } from 'node:fs/promises';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { percentile } from './harness.ts';
import { inParallel } from './media-worker-phases.ts';

/** A JPEG made unique by a comment segment after SOI: same pixels, other bytes (dedup is by SHA-256). */
export function uniqueJpeg(photo: Buffer, label: string): Buffer {
  const comment = Buffer.from(label, 'utf8');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(comment.length + 2, 2);
  return Buffer.concat([photo.subarray(0, 2), header, comment, photo.subarray(2)]);
}

export interface AcceptRun {
  ids: string[];
  uploadsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Each client posts its bodies one after another, all clients at once, with fetch (undici): the
 * same client for the pipeline and the bare server. Every answer must be a 202 with an id.
 */
export async function postAll(url: string, bodies: readonly Buffer[][], headersOf: (client: number) => Record<string, string>): Promise<AcceptRun> {
  const ids: string[] = [];
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    bodies.map(async (clientBodies, client) => {
      for (const body of clientBodies) {
        const sent = performance.now();
        const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...headersOf(client) }, body, signal: AbortSignal.timeout(60_000) });
        const text = await answer.text();
        latencies.push(performance.now() - sent);
        if (answer.status !== 202) throw new Error(`${url} answered ${answer.status}: ${text.slice(0, 300)}`);
        ids.push((JSON.parse(text) as { id: string }).id);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  return { ids, uploadsPerSecond: ids.length / elapsedS, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

export interface RawStoreTarget {
  primary: S3Client;
  mirror: S3Client;
  bucket: string;
}

/**
 * What the worker's store and previews come to, by hand: read the spooled file, PutObject to the
 * primary and the mirror at once, one HeadObject on the primary, and the same two WebP previews
 * (kept in memory, not stored), `concurrency` files in flight.
 */
export async function storeByHand(target: RawStoreTarget, files: readonly string[], concurrency: number, keyPrefix: string): Promise<number> {
  const started = performance.now();
  await inParallel(files, concurrency, async (file) => {
    const bytes = await readFile(file);
    const key = `${keyPrefix}/${file.split('/').at(-1)}`;
    const put = (client: S3Client) => client.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: bytes, ContentType: 'image/jpeg' }));
    await Promise.all([put(target.primary), put(target.mirror)]);
    await target.primary.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }));
    await Promise.all([320, 1280].map((width) => sharp(bytes).rotate().resize({ width, withoutEnlargement: true }).webp({ quality: 80 }).toBuffer()));
  });
  return files.length / ((performance.now() - started) / 1000);
}
