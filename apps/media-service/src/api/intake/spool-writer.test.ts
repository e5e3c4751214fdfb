import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HEAD_BYTES, TAIL_BYTES, spoolUpload } from './spool-writer.ts';
import { openSpool, spoolHasRoom, type Spool } from '../../spool.ts';

describe('spoolUpload (a real directory)', () => {
  let root: string;
  let spool: Spool;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'spool-test-'));
    spool = await openSpool(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const bytes = (length: number) => Buffer.from(Array.from({ length }, (_, index) => (index * 7) % 251));
  /** Chunks of uneven sizes, as a network delivers them. */
  const chunked = (data: Buffer) => Readable.from([data.subarray(0, 5), data.subarray(5, 70_000), data.subarray(70_000)]);

  it('writes the bytes to incoming/ and measures size, SHA-256, head and tail on the way', async () => {
    const data = bytes(200_000);
    const file = await spoolUpload(chunked(data), spool, 1_000_000);
    expect(path.dirname(file.path)).toBe(spool.incomingDir);
    expect(await readFile(file.path)).toEqual(data);
    expect(file).toMatchObject({ sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(file.head).toEqual(data.subarray(0, HEAD_BYTES));
    expect(file.tail).toEqual(data.subarray(data.length - TAIL_BYTES));
  });

  it('writes a body that arrives in many small pieces (as relayed by proxies) whole, across its write batches', async () => {
    const data = bytes(1_300_000 + 123);
    const pieces = Array.from({ length: Math.ceil(data.length / 16_384) }, (_, index) => data.subarray(index * 16_384, (index + 1) * 16_384));
    const file = await spoolUpload(Readable.from(pieces), spool, 2_000_000);
    expect(await readFile(file.path)).toEqual(data);
    expect(file).toMatchObject({ sizeBytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    expect(file.tail).toEqual(data.subarray(data.length - TAIL_BYTES));
  });

  it('keeps a tail shorter than TAIL_BYTES whole', async () => {
    const file = await spoolUpload(Readable.from([Buffer.from('%PDF-'), Buffer.from('1.4 %%EOF')]), spool, 1000);
    expect(file.tail.toString()).toBe('%PDF-1.4 %%EOF');
  });

  it('stops past the limit with 413 and removes the partial file', async () => {
    await expect(spoolUpload(chunked(bytes(100_001)), spool, 100_000)).rejects.toMatchObject({ status: 413, code: 'upload_too_large' });
    expect(await readdir(spool.incomingDir)).toEqual([]);
  });

  it('removes the partial file when the source fails midway', async () => {
    const failing = new Readable({ read() {} });
    const spooled = spoolUpload(failing, spool, 1_000_000);
    failing.push(bytes(1000));
    setImmediate(() => failing.destroy(new Error('connection reset')));
    await expect(spooled).rejects.toThrow(/connection reset/);
    expect(await readdir(spool.incomingDir)).toEqual([]);
  });

  it('commits to objects/<id> and the file keeps its bytes', async () => {
    const data = bytes(5000);
    const file = await spoolUpload(chunked(data), spool, 10_000);
    const committed = await spool.commit(file.path, 'some-media-id');
    expect(committed).toBe(path.join(spool.objectsDir, 'some-media-id'));
    expect(await readFile(committed)).toEqual(data);
    expect(await readdir(spool.incomingDir)).toEqual([]);
  });
});

describe('sweeping incoming/', () => {
  it('removes only files older than the limit', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'spool-sweep-'));
    try {
      const spool = await openSpool(root);
      const [stale, fresh] = [spool.newIncomingPath(), spool.newIncomingPath()];
      await writeFile(stale, 'left by a crash');
      await writeFile(fresh, 'being written');
      const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
      await utimes(stale, twoHoursAgo, twoHoursAgo);
      expect(await spool.sweepIncoming(3_600_000)).toBe(1);
      expect(await readdir(spool.incomingDir)).toEqual([path.basename(fresh)]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('spoolHasRoom', () => {
  const floors = { minFreeBytes: 1000, minFreePercent: 10 };
  it('needs both floors, after the upload about to be written', () => {
    expect(spoolHasRoom({ freeBytes: 5000, totalBytes: 10_000 }, floors)).toBe(true);
    expect(spoolHasRoom({ freeBytes: 900, totalBytes: 5000 }, floors)).toBe(false);
    expect(spoolHasRoom({ freeBytes: 5000, totalBytes: 100_000 }, floors)).toBe(false);
    expect(spoolHasRoom({ freeBytes: 5000, totalBytes: 10_000 }, floors, 4500)).toBe(false);
  });
});
