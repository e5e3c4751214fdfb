import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpProblem } from '@chucar/platform';
import type { Spool } from '../../spool.ts';
import { JpegStructureCheck } from './jpeg-structure.ts';

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
  /** Why the bytes are not a whole JPEG (null: they are), found as they streamed past. */
  jpegStructureProblem: string | null;
}

export function uploadTooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem(413, 'upload_too_large', `the file exceeds the limit of ${maxBytes} bytes`);
}

/**
 * What reaches the spool file is joined into writes of this size. A body relayed by a load
 * balancer and the gateway arrives in pieces of about 16 KiB, and one file write per piece cost
 * more of the media API's time than anything else in its profile; joining them is one copy.
 */
const WRITE_BATCH_BYTES = 512 * 1024;

/**
 * Counts, hashes, keeps the head and tail, checks a JPEG's structure, and fails as soon as the
 * limit is passed; passes the bytes on in batches of `batchBytes` (0: as they come).
 */
class UploadMeter extends Transform {
  readonly hash: Hash = createHash('sha256');
  readonly jpeg = new JpegStructureCheck();
  sizeBytes = 0;
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  private tailBuffer = Buffer.alloc(0);
  private batch: Buffer[] = [];
  private batchLength = 0;
  private readonly maxBytes: number;
  private readonly batchBytes: number;

  constructor(maxBytes: number, batchBytes = 0) {
    super();
    this.maxBytes = maxBytes;
    this.batchBytes = batchBytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) return callback(uploadTooLarge(this.maxBytes));
    this.hash.update(chunk);
    this.jpeg.feed(chunk);
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(part));
      this.headLength += part.length;
    }
    const recent = chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([this.tailBuffer, chunk]);
    this.tailBuffer = Buffer.from(recent.subarray(Math.max(0, recent.length - TAIL_BYTES)));
    this.batch.push(chunk);
    this.batchLength += chunk.length;
    if (this.batchLength >= this.batchBytes) this.push(this.takeBatch());
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.batchLength > 0) this.push(this.takeBatch());
    callback();
  }

  private takeBatch(): Buffer {
    const joined = this.batch.length === 1 ? this.batch[0]! : Buffer.concat(this.batch, this.batchLength);
    this.batch = [];
    this.batchLength = 0;
    return joined;
  }

  head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  tail(): Buffer {
    return this.tailBuffer;
  }

  measured(filePath: string): SpooledFile {
    return { path: filePath, sizeBytes: this.sizeBytes, sha256: this.hash.digest('hex'), head: this.head(), tail: this.tail(), jpegStructureProblem: this.jpeg.problem() };
  }
}

/**
 * Streams `source` into a new file in incoming/, computing size and SHA-256 on the way. Over
 * `maxBytes` it stops reading and throws 413; on any failure the partial file is removed. The
 * source is never destroyed here: for an HTTP request that would cut the socket before the answer.
 */
export async function spoolUpload(source: Readable, spool: Spool, maxBytes: number): Promise<SpooledFile> {
  const filePath = spool.newIncomingPath();
  const meter = new UploadMeter(maxBytes, WRITE_BATCH_BYTES);
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
  return meter.measured(filePath);
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
  return meter.measured(filePath);
}
