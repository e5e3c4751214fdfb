import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpProblem } from '@chucar/platform';
import type { Spool } from '../../spool.ts';

/** Enough of the start for magic-byte sniffing and the containers' headers. */
export const HEAD_BYTES = 64 * 1024;
/** Enough of the end for a PDF's %%EOF (readers look in the last KiB) and a PNG's IEND. */
export const TAIL_BYTES = 1024;

/** An upload written to incoming/, measured on the way: nothing was read twice or held whole in memory. */
export interface SpooledFile {
  path: string;
  sizeBytes: number;
  sha256: string;
  head: Buffer;
  tail: Buffer;
}

export function uploadTooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem(413, 'upload_too_large', `the file exceeds the limit of ${maxBytes} bytes`);
}

/** Counts, hashes, keeps the head and tail, and fails as soon as the limit is passed. */
class UploadMeter extends Transform {
  readonly hash: Hash = createHash('sha256');
  sizeBytes = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private tailBuffer = Buffer.alloc(0);
  private readonly maxBytes: number;

  constructor(maxBytes: number) {
    super();
    this.maxBytes = maxBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) return callback(uploadTooLarge(this.maxBytes));
    this.hash.update(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    const recent = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([this.tailBuffer, chunk]);
    this.tailBuffer = Buffer.from(recent.subarray(Math.max(0, recent.length - TAIL_BYTES)));
    callback(null, chunk);
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  tail(): Buffer {
    return this.tailBuffer;
  }
}

/**
 * Streams `source` into a new file in incoming/, computing size and SHA-256 on the way. Over
 * `maxBytes` it stops reading and throws 413; on any failure the partial file is removed. The
 * source is never destroyed here: for an HTTP request that would cut the socket before the answer.
 */
export async function spoolUpload(source: Readable, spool: Spool, maxBytes: number): Promise<SpooledFile> {
  const filePath = spool.newIncomingPath();
  const meter = new UploadMeter(maxBytes);
  const written = pipeline(meter, createWriteStream(filePath, { flags: 'wx', mode: 0o640 }));
  const failMeter = (error: Error) => meter.destroy(error);
  // A client that goes away mid-body ends the request without 'end': that is no complete upload.
  const onClose = () => {
    if (!source.readableEnded) failMeter(new HttpProblem(400, 'upload_interrupted', 'the upload ended before all of its bytes arrived'));
  };
  source.once('error', failMeter);
  source.once('close', onClose);
  source.pipe(meter);
  try {
    await written;
  } catch (error) {
    source.unpipe(meter);
    await spool.discard(filePath);
    throw error;
  } finally {
    source.off('error', failMeter);
    source.off('close', onClose);
  }
  return { path: filePath, sizeBytes: meter.sizeBytes, sha256: meter.hash.digest('hex'), head: meter.head(), tail: meter.tail() };
}

/**
 * The same measurements over a file already on the spool (a finished resumable upload), read once
 * as a stream. The file is removed if it cannot be measured or is over `maxBytes`.
 */
export async function measureSpooledFile(filePath: string, spool: Spool, maxBytes: number): Promise<SpooledFile> {
  const meter = new UploadMeter(maxBytes);
  const discardBytes = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  try {
    await pipeline(createReadStream(filePath), meter, discardBytes);
  } catch (error) {
    await spool.discard(filePath);
    throw error;
  }
  return { path: filePath, sizeBytes: meter.sizeBytes, sha256: meter.hash.digest('hex'), head: meter.head(), tail: meter.tail() };
}
