import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { classifyStorageError, StorageUnavailableError, StoredObjectMismatchError } from './storage-errors.ts';

/**
 * Bytes to store: a file (spooled originals, hashed against the expected SHA-256 before each put),
 * or checked bytes (hashed once already, by `readCheckedFile`, `hashedBytes` or `getVerified`, and
 * sent to every store without hashing them again).
 */
export type ObjectSource = { path: string } | CheckedBytes;

/** Bytes whose SHA-256 was computed from them here; only this module's functions make one. */
export interface CheckedBytes {
  readonly checked: Buffer;
  readonly sha256: string;
}

/** Reads a file into memory and checks it against `expectedSha256` (ContentMismatchError otherwise). */
export async function readCheckedFile(filePath: string, expectedSha256: string): Promise<CheckedBytes> {
  const bytes = await fs.promises.readFile(filePath);
  const sha256 = sha256Hex(bytes);
  requireSha256(filePath, sha256, expectedSha256);
  return { checked: bytes, sha256 };
}

/** Bytes made here (a preview) with their SHA-256, to store under it. */
export function hashedBytes(bytes: Buffer): CheckedBytes {
  return { checked: bytes, sha256: sha256Hex(bytes) };
}

/** Spool files are read in large chunks: fewer reads and socket writes per object than the default 64 KiB. */
const fileChunkBytes = 1024 * 1024;

export interface PutOptions {
  /** Hex SHA-256 the bytes must have; it is checked before sending and stored as metadata. */
  sha256: string;
  contentType: string;
  /** More object metadata (`media-id`); `sha256` is always added. */
  metadata?: Record<string, string>;
}

export interface VerifiedObject {
  key: string;
  sizeBytes: number;
  sha256: string;
}

export interface ObjectStore {
  /** Puts the object, then HEADs it: resolves only when S3 holds the size and SHA-256 that were sent. */
  putVerified(key: string, source: ObjectSource, options: PutOptions): Promise<VerifiedObject>;
  /** `missing` when there is no such object; throws `StoredObjectMismatchError` when it differs. */
  verifyStoredObject(key: string, expected: { sizeBytes: number; sha256: string }): Promise<'verified' | 'missing'>;
  /** The object's bytes, checked against the SHA-256 the caller expects (and ready to put elsewhere unhashed). */
  getVerified(key: string, expected: { sizeBytes: number; sha256: string }): Promise<CheckedBytes>;
  /** Resolves when the bucket answers; the outage probe. */
  probeBucket(): Promise<void>;
  /** What a HEAD shows (the scrubber's fast pass); `null` when there is no such object. */
  inspectObject(key: string): Promise<InspectedObject | null>;
  /**
   * Reads the whole object and hashes it as it streams (the scrubber's full pass), calling
   * `beforeChunk` with each chunk's size first so a caller can pace the reads; `null` when absent.
   */
  rehashObject(key: string, beforeChunk?: (bytes: number) => Promise<void>): Promise<{ sizeBytes: number; sha256: string } | null>;
  /** Removes the object; absent already is fine. */
  deleteObject(key: string): Promise<void>;
}

export interface InspectedObject {
  sizeBytes: number;
  /** The `sha256` metadata written with the object; undefined when it has none. */
  metadataSha256: string | undefined;
}

export interface ObjectStoreOptions {
  bucket: string;
  timeoutMs: number;
  /** Above this size the object goes up in parts (lib-storage). S3 needs parts of at least 5 MiB. */
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

/** A slow link still moves this much; a whole put gets `timeoutMs` plus the time for its size at this rate. */
const slowestAcceptableBytesPerMs = 1024; // 1 MiB/s

/** The bytes to store are not the ones accepted (a damaged spool copy): permanent for this object. */
export class ContentMismatchError extends Error {
  override readonly name = 'ContentMismatchError';
}

export function createObjectStore(s3: S3Client, options: ObjectStoreOptions): ObjectStore {
  const { bucket, timeoutMs } = options;
  const multipartThresholdBytes = options.multipartThresholdBytes ?? 16 * 1024 * 1024;
  const partSizeBytes = options.partSizeBytes ?? 8 * 1024 * 1024;
  const deadlineFor = (sizeBytes: number) => timeoutMs + Math.ceil(sizeBytes / slowestAcceptableBytesPerMs);

  async function head(key: string) {
    try {
      return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw classifyStorageError(error, `HEAD ${key}`);
    }
  }

  async function verifyStoredObject(key: string, expected: { sizeBytes: number; sha256: string }): Promise<'verified' | 'missing'> {
    const found = await head(key);
    if (!found) return 'missing';
    const problems: string[] = [];
    if (found.ContentLength !== expected.sizeBytes) problems.push(`size ${found.ContentLength} instead of ${expected.sizeBytes}`);
    if (found.Metadata?.['sha256'] !== expected.sha256) problems.push(`metadata sha256 ${found.Metadata?.['sha256'] ?? 'absent'} instead of ${expected.sha256}`);
    // Real S3 returns the whole-object checksum it verified on upload; s3rver returns none, hence the metadata.
    if (found.ChecksumSHA256 && found.ChecksumType === 'FULL_OBJECT' && found.ChecksumSHA256 !== hexToBase64(expected.sha256)) {
      problems.push(`S3 checksum ${found.ChecksumSHA256} does not match`);
    }
    if (problems.length > 0) throw new StoredObjectMismatchError(`${key}: ${problems.join('; ')}`);
    return 'verified';
  }

  async function putVerified(key: string, source: ObjectSource, put: PutOptions): Promise<VerifiedObject> {
    const sizeBytes = await checkSource(source, put.sha256);
    const metadata = { ...put.metadata, sha256: put.sha256 };
    const signal = AbortSignal.timeout(deadlineFor(sizeBytes));
    try {
      if (sizeBytes > multipartThresholdBytes) {
        // SHA-256 per part (composite): S3 offers no whole-object SHA-256 for multipart uploads.
        const upload = new Upload({
          client: s3,
          params: { Bucket: bucket, Key: key, Body: bodyOf(source), ContentLength: sizeBytes, ContentType: put.contentType, Metadata: metadata, ChecksumAlgorithm: 'SHA256' },
          partSize: partSizeBytes,
          queueSize: 2,
          leavePartsOnError: false,
        });
        signal.addEventListener('abort', () => void upload.abort(), { once: true });
        await upload.done();
      } else {
        // The whole-object SHA-256 travels with the put, so S3 itself refuses bytes that differ.
        const command = new PutObjectCommand({ Bucket: bucket, Key: key, Body: bodyOf(source), ContentLength: sizeBytes, ContentType: put.contentType, Metadata: metadata, ChecksumSHA256: hexToBase64(put.sha256) });
        if (!('path' in source)) signPayloadAs(command, put.sha256);
        await s3.send(command, { abortSignal: signal });
      }
    } catch (error) {
      throw classifyStorageError(error, `PUT ${key}`);
    }
    // A 200 is not proof: the HEAD must show what was sent.
    const outcome = await verifyStoredObject(key, { sizeBytes, sha256: put.sha256 });
    if (outcome === 'missing') throw new StoredObjectMismatchError(`${key}: absent right after a successful PUT`);
    return { key, sizeBytes, sha256: put.sha256 };
  }

  async function getVerified(key: string, expected: { sizeBytes: number; sha256: string }): Promise<CheckedBytes> {
    let bytes: Buffer;
    try {
      const signal = AbortSignal.timeout(deadlineFor(expected.sizeBytes));
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      if (!answer.Body) throw new StoredObjectMismatchError(`${key}: GET returned no body`);
      bytes = Buffer.from(await answer.Body.transformToByteArray());
    } catch (error) {
      throw classifyStorageError(error, `GET ${key}`);
    }
    const sha256 = sha256Hex(bytes);
    if (sha256 !== expected.sha256) throw new StoredObjectMismatchError(`${key}: read back ${bytes.length} bytes with SHA-256 ${sha256} instead of ${expected.sha256}`);
    return { checked: bytes, sha256 };
  }

  async function probeBucket(): Promise<void> {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // Whatever the reason (a 404 here is a missing bucket), the store cannot take objects.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new StorageUnavailableError(`HEAD bucket ${bucket}: ${message}`, { cause: error });
    }
  }

  async function inspectObject(key: string): Promise<InspectedObject | null> {
    const found = await head(key);
    if (!found) return null;
    return { sizeBytes: found.ContentLength ?? 0, metadataSha256: found.Metadata?.['sha256'] };
  }

  async function rehashObject(key: string, beforeChunk?: (bytes: number) => Promise<void>): Promise<{ sizeBytes: number; sha256: string } | null> {
    const controller = new AbortController();
    // The deadline grows with the object, as a put's does; pacing by the caller is added on top.
    let deadline = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: controller.signal });
      clearTimeout(deadline);
      deadline = setTimeout(() => controller.abort(), deadlineFor(answer.ContentLength ?? 0));
      if (!answer.Body) throw new StoredObjectMismatchError(`${key}: GET returned no body`);
      const hash = createHash('sha256');
      let sizeBytes = 0;
      for await (const chunk of answer.Body as AsyncIterable<Uint8Array>) {
        if (beforeChunk) {
          clearTimeout(deadline);
          await beforeChunk(chunk.length);
          deadline = setTimeout(() => controller.abort(), timeoutMs);
        }
        hash.update(chunk);
        sizeBytes += chunk.length;
      }
      return { sizeBytes, sha256: hash.digest('hex') };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw classifyStorageError(error, `GET ${key}`);
    } finally {
      clearTimeout(deadline);
    }
  }

  async function deleteObject(key: string): Promise<void> {
    try {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (isNotFound(error)) return;
      throw classifyStorageError(error, `DELETE ${key}`);
    }
  }

  return { putVerified, verifyStoredObject, getVerified, probeBucket, inspectObject, rehashObject, deleteObject };
}

function bodyOf(source: ObjectSource): fs.ReadStream | Uint8Array {
  return 'path' in source ? fs.createReadStream(source.path, { highWaterMark: fileChunkBytes }) : source.checked;
}

/** The size to send, once the bytes are known to have the SHA-256 they are stored under. */
async function checkSource(source: ObjectSource, expectedSha256: string): Promise<number> {
  if ('path' in source) return checkSpoolCopy(source.path, expectedSha256);
  requireSha256('bytes to store', source.sha256, expectedSha256);
  return source.checked.length;
}

/**
 * SigV4 signs a hash of the body; for an in-memory body the SDK would compute it again. It is the
 * SHA-256 just checked, so it is given as the x-amz-content-sha256 header (S3 checks it against
 * the bytes it receives).
 */
function signPayloadAs(command: PutObjectCommand, sha256: string): void {
  command.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = sha256;
      return next(args);
    },
    { step: 'build', name: 'knownPayloadSha256' },
  );
}

/** Hashes the file before sending it: s3rver (unlike S3) would take changed bytes under the expected SHA-256. */
async function checkSpoolCopy(filePath: string, expectedSha256: string): Promise<number> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: fileChunkBytes }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  requireSha256(filePath, hash.digest('hex'), expectedSha256);
  return sizeBytes;
}

/** `what` (a file, or the bytes to store) must have the SHA-256 it was accepted under; a mismatch is permanent. */
function requireSha256(what: string, actualSha256: string, expectedSha256: string): void {
  if (actualSha256 !== expectedSha256) throw new ContentMismatchError(`${what}: SHA-256 ${actualSha256} instead of ${expectedSha256}`);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function isNotFound(error: unknown): boolean {
  const shape = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  return shape?.name === 'NotFound' || shape?.name === 'NoSuchKey' || shape?.$metadata?.httpStatusCode === 404;
}
