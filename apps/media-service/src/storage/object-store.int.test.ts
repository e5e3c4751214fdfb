import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { createS3Client, type S3ClientSettings } from '@chucar/platform/s3';
import { localS3Credentials, unusedLoopbackPort } from '@chucar/platform/testing';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { ContentMismatchError, createObjectStore, hashedBytes, readCheckedFile, sha256Hex } from './object-store.ts';
import { StorageUnavailableError, StoredObjectMismatchError } from './storage-errors.ts';

const bucket = 'media-store-test';
const settings = (endpoint: string, timeoutMs = 5000): S3ClientSettings => ({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  ...localS3Credentials,
  timeoutMs,
});

describe('verified puts against a real S3 server (s3rver)', () => {
  let server: OwnServer & { endpoint: string };
  let s3: S3Client;
  let plain: S3Client;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-store-files-'));

  beforeAll(async () => {
    server = await ownS3Server(bucket);
    s3 = createS3Client(settings(server.endpoint));
    // A client with the SDK's defaults, for reading back as any other program would.
    plain = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
  });
  afterAll(async () => {
    s3?.destroy();
    plain?.destroy();
    await server?.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const writeFile = (bytes: Buffer) => {
    const file = path.join(workDir, randomUUID());
    fs.writeFileSync(file, bytes);
    return file;
  };
  const readBack = async (key: string) => {
    const got = await plain.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { bytes: Buffer.from(await got.Body!.transformToByteArray()), metadata: got.Metadata ?? {} };
  };

  it('puts a file, verifies it by HEAD, and a plain client reads back the same SHA-256 and metadata', async () => {
    const bytes = randomBytes(300 * 1024);
    const store = createObjectStore(s3, { bucket, timeoutMs: 5000 });
    const key = `originals/${randomUUID()}`;
    const stored = await store.putVerified(key, { path: writeFile(bytes) }, { sha256: sha256Hex(bytes), contentType: 'image/jpeg', metadata: { 'media-id': 'm-1' } });
    expect(stored).toEqual({ key, sizeBytes: bytes.length, sha256: sha256Hex(bytes) });
    const back = await readBack(key);
    expect(sha256Hex(back.bytes)).toBe(sha256Hex(bytes));
    expect(back.metadata).toEqual({ sha256: sha256Hex(bytes), 'media-id': 'm-1' });
    expect(await store.verifyStoredObject(key, { sizeBytes: bytes.length, sha256: sha256Hex(bytes) })).toBe('verified');
  });

  it('puts a large file in parts and it reads back whole', async () => {
    const bytes = randomBytes(11 * 1024 * 1024 + 123);
    const store = createObjectStore(s3, { bucket, timeoutMs: 10_000, multipartThresholdBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 });
    const key = `originals/${randomUUID()}`;
    await store.putVerified(key, { path: writeFile(bytes) }, { sha256: sha256Hex(bytes), contentType: 'image/heic' });
    const back = await readBack(key);
    expect(back.bytes.length).toBe(bytes.length);
    expect(sha256Hex(back.bytes)).toBe(sha256Hex(bytes));
    expect(back.metadata['sha256']).toBe(sha256Hex(bytes));
  });

  it('fails the whole multipart upload when one part fails, leaving no object', async () => {
    const failing = createS3Client(settings(server.endpoint));
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { PartNumber?: number };
        if (context.commandName === UploadPartCommand.name && input.PartNumber === 2) throw Object.assign(new Error('part 2 refused'), { name: 'InvalidPart', $metadata: { httpStatusCode: 400 } });
        return next(args);
      },
      { step: 'initialize', name: 'failSecondPart' },
    );
    const bytes = randomBytes(12 * 1024 * 1024);
    const store = createObjectStore(failing, { bucket, timeoutMs: 10_000, multipartThresholdBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 });
    const key = `originals/${randomUUID()}`;
    // s3rver cannot abort a multipart upload (405), so its refusal may replace the part's error: either way the put fails.
    await expect(store.putVerified(key, { path: writeFile(bytes) }, { sha256: sha256Hex(bytes), contentType: 'image/jpeg' })).rejects.toThrow(/part 2 refused|not allowed/);
    await expect(plain.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
    failing.destroy();
  });

  it('refuses to store a spool copy whose bytes are not the accepted ones', async () => {
    const store = createObjectStore(s3, { bucket, timeoutMs: 5000 });
    const key = `originals/${randomUUID()}`;
    const accepted = randomBytes(4096);
    const damaged = Buffer.from(accepted);
    damaged[100] = damaged[100]! ^ 0xff;
    await expect(store.putVerified(key, { path: writeFile(damaged) }, { sha256: sha256Hex(accepted), contentType: 'image/jpeg' })).rejects.toBeInstanceOf(ContentMismatchError);
    expect(await store.verifyStoredObject(key, { sizeBytes: accepted.length, sha256: sha256Hex(accepted) })).toBe('missing');
  });

  it('reads a spool copy once, checked, and puts the same bytes to two keys with the payload signed by that SHA-256', async () => {
    const bytes = randomBytes(700 * 1024);
    const store = createObjectStore(s3, { bucket, timeoutMs: 5000 });
    const checked = await readCheckedFile(writeFile(bytes), sha256Hex(bytes));
    expect(checked.sha256).toBe(sha256Hex(bytes));
    for (const key of [`originals/${randomUUID()}`, `originals/${randomUUID()}`]) {
      expect(await store.putVerified(key, checked, { sha256: sha256Hex(bytes), contentType: 'image/jpeg' })).toEqual({ key, sizeBytes: bytes.length, sha256: sha256Hex(bytes) });
      expect(sha256Hex((await readBack(key)).bytes)).toBe(sha256Hex(bytes));
    }
  });

  it('refuses a damaged spool copy when reading it, and checked bytes put under another SHA-256', async () => {
    const accepted = randomBytes(4096);
    const damaged = Buffer.from(accepted);
    damaged[7] = damaged[7]! ^ 0x01;
    await expect(readCheckedFile(writeFile(damaged), sha256Hex(accepted))).rejects.toBeInstanceOf(ContentMismatchError);
    const store = createObjectStore(s3, { bucket, timeoutMs: 5000 });
    const key = `variants/${randomUUID()}/w320.webp`;
    await expect(store.putVerified(key, hashedBytes(damaged), { sha256: sha256Hex(accepted), contentType: 'image/webp' })).rejects.toBeInstanceOf(ContentMismatchError);
    expect(await store.verifyStoredObject(key, { sizeBytes: accepted.length, sha256: sha256Hex(accepted) })).toBe('missing');
  });

  it('does not trust a 200: a store that kept other bytes than it was sent fails verification', async () => {
    // Stands in for a storage bug: the server acknowledges the put but keeps a truncated body.
    const truncating = createS3Client(settings(server.endpoint));
    truncating.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === PutObjectCommand.name) {
          const input = args.input as { Body?: unknown; ContentLength?: number };
          if (input.Body instanceof Uint8Array) Object.assign(input, { Body: input.Body.subarray(0, 1000), ContentLength: 1000 });
        }
        return next(args);
      },
      { step: 'initialize', name: 'truncateBody' },
    );
    const store = createObjectStore(truncating, { bucket, timeoutMs: 5000 });
    const bytes = randomBytes(5000);
    const key = `variants/${randomUUID()}/w320.webp`;
    await expect(store.putVerified(key, hashedBytes(bytes), { sha256: sha256Hex(bytes), contentType: 'image/webp' })).rejects.toThrow(StoredObjectMismatchError);
    await expect(store.verifyStoredObject(key, { sizeBytes: bytes.length, sha256: sha256Hex(bytes) })).rejects.toThrow(/size 1000 instead of 5000/);
    truncating.destroy();
  });

  it('finds an object whose metadata says another SHA-256', async () => {
    const store = createObjectStore(s3, { bucket, timeoutMs: 5000 });
    const key = `originals/${randomUUID()}`;
    const bytes = randomBytes(2048);
    await plain.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: { sha256: '0'.repeat(64) } }));
    await expect(store.verifyStoredObject(key, { sizeBytes: bytes.length, sha256: sha256Hex(bytes) })).rejects.toThrow(/metadata sha256 0{64}/);
  });

  it('reports a missing bucket as the store being unusable, not the object being bad', async () => {
    const store = createObjectStore(s3, { bucket: 'no-such-bucket-here', timeoutMs: 5000 });
    const bytes = randomBytes(100);
    await expect(store.putVerified(`originals/${randomUUID()}`, hashedBytes(bytes), { sha256: sha256Hex(bytes), contentType: 'image/png' })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.probeBucket()).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

describe('S3 outages classify as unavailable', () => {
  const bytes = randomBytes(1000);

  it('a refused connection', async () => {
    const s3 = createS3Client(settings(`http://127.0.0.1:${await unusedLoopbackPort()}`));
    const store = createObjectStore(s3, { bucket, timeoutMs: 2000 });
    await expect(store.putVerified(`originals/${randomUUID()}`, hashedBytes(bytes), { sha256: sha256Hex(bytes), contentType: 'image/png' })).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.probeBucket()).rejects.toBeInstanceOf(StorageUnavailableError);
    s3.destroy();
  });

  it('a server that accepts the connection and never answers, within the timeout', async () => {
    const sockets: net.Socket[] = [];
    const blackhole = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as net.AddressInfo;
    const s3 = createS3Client(settings(`http://127.0.0.1:${port}`, 500));
    const store = createObjectStore(s3, { bucket, timeoutMs: 500 });
    const started = Date.now();
    await expect(store.probeBucket()).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(store.putVerified(`originals/${randomUUID()}`, hashedBytes(bytes), { sha256: sha256Hex(bytes), contentType: 'image/png' })).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(6000);
    s3.destroy();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });
});
