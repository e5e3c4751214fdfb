import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heicFixturePath, testImage, testPdf } from '../../testing/api-test-support.ts';
import { checkContent } from './content-checks.ts';
import { sniffContentType } from './sniff.ts';
import { openSpool, type Spool } from '../../spool.ts';
import { spoolUpload, type SpooledFile } from './spool-writer.ts';

describe('sniffing and content checks (real files, no servers)', () => {
  let root: string;
  let spool: Spool;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'content-checks-'));
    spool = await openSpool(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  const spooled = (bytes: Buffer): Promise<SpooledFile> => spoolUpload(Readable.from([bytes]), spool, 50_000_000);
  const check = async (bytes: Buffer, maxPixels = 100_000_000) => {
    const file = await spooled(bytes);
    return checkContent(file, await sniffContentType(file.head), maxPixels);
  };

  it.each([
    ['image/jpeg', () => testImage('jpeg')],
    ['image/png', () => testImage('png')],
    ['image/webp', () => testImage('webp')],
    ['image/avif', () => testImage('avif')],
    ['image/heic', () => readFile(heicFixturePath)],
    ['application/pdf', async () => testPdf()],
  ])('sniffs %s from the bytes', async (contentType, bytes) => {
    expect(await sniffContentType((await bytes()).subarray(0, 4100))).toBe(contentType);
  });

  it('reads image sizes from the header, HEIC included', async () => {
    expect(await check(await testImage('avif', undefined, { width: 40, height: 30 }))).toEqual({ width: 40, height: 30 });
    const heic = await check(await readFile(heicFixturePath));
    expect(heic.width).toBeGreaterThan(0);
    expect(heic.height).toBeGreaterThan(0);
    expect(await check(testPdf())).toEqual({ width: null, height: null });
  });

  it('refuses more pixels than the limit before decoding', async () => {
    await expect(check(await testImage('png', undefined, { width: 100, height: 100 }), 9999)).rejects.toMatchObject({ status: 422, code: 'image_too_large' });
    expect(await check(await testImage('png', undefined, { width: 100, height: 100 }), 10_000)).toEqual({ width: 100, height: 100 });
  });

  it('refuses a WebP whose RIFF header promises more than the file holds', async () => {
    const webp = await testImage('webp');
    const longer = Buffer.from(webp);
    longer.writeUInt32LE(webp.readUInt32LE(4) + 100, 4);
    await expect(check(longer)).rejects.toMatchObject({ status: 422, code: 'corrupt_image' });
  });

  it('refuses an ISO-BMFF image (AVIF) whose last box runs past the end', async () => {
    const avif = await testImage('avif');
    await expect(check(avif.subarray(0, avif.length - 1))).rejects.toMatchObject({ status: 422, code: 'corrupt_image' });
  });

  it('accepts a PDF with trailing whitespace after %%EOF, refuses one without the marker', async () => {
    expect(await check(Buffer.concat([testPdf(), Buffer.from('\n\n  \n')]))).toEqual({ width: null, height: null });
    const file = path.join(root, 'no-eof.pdf');
    await writeFile(file, Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n'));
    await expect(check(await readFile(file))).rejects.toMatchObject({ status: 422, code: 'corrupt_document' });
  });

  it('answers 415 for content of another type', async () => {
    await expect(sniffContentType(Buffer.from('GIF89a.....'))).rejects.toMatchObject({ status: 415 });
    await expect(sniffContentType(Buffer.from('<html></html>'))).rejects.toMatchObject({ status: 415 });
  });
});
