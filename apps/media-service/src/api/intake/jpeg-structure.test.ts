import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp, { type JpegOptions } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JpegStructureCheck, jpegStructureProblem } from './jpeg-structure.ts';

describe('jpegStructureProblem (real files)', () => {
  let dir: string;
  let count = 0;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'jpeg-structure-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const problemOf = async (bytes: Buffer) => {
    const file = path.join(dir, `${count++}.jpg`);
    await writeFile(file, bytes);
    return jpegStructureProblem(file);
  };
  const photo = (options: JpegOptions = {}) =>
    sharp({ create: { width: 640, height: 480, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).jpeg(options).toBuffer();
  /** An APP1 segment holding a whole small JPEG, as EXIF carries a thumbnail: it has its own EOI. */
  const withThumbnail = async (jpeg: Buffer) => {
    const thumbnail = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#f00' } }).jpeg().toBuffer();
    const payload = Buffer.concat([Buffer.from('Exif\0\0'), thumbnail]);
    const header = Buffer.from([0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
    return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
  };

  it('accepts whole baseline and progressive JPEGs, and one whose EXIF carries a thumbnail', async () => {
    expect(await problemOf(await photo())).toBeNull();
    expect(await problemOf(await photo({ progressive: true }))).toBeNull();
    expect(await problemOf(await withThumbnail(await photo()))).toBeNull();
  });

  it('accepts data appended after the end-of-image marker (motion photos, second images)', async () => {
    expect(await problemOf(Buffer.concat([await photo(), Buffer.from('ftypmp42 a short clip follows'), await photo()]))).toBeNull();
  });

  it('finds truncation anywhere, including when an EXIF thumbnail carries its own end marker', async () => {
    const whole = await withThumbnail(await photo({ progressive: true }));
    for (const share of [0.2, 0.5, 0.9, 0.999]) {
      expect(await problemOf(whole.subarray(0, Math.floor(whole.length * share))), String(share)).toMatch(/truncated|before any image data/);
    }
    expect(await problemOf(whole.subarray(0, whole.length - 2))).toMatch(/truncated/);
  });

  it('gives the same answer fed as a stream in chunks of any size as it does reading the file', async () => {
    const whole = await withThumbnail(await photo({ progressive: true }));
    const cases = [whole, whole.subarray(0, Math.floor(whole.length * 0.6)), whole.subarray(0, whole.length - 1), Buffer.concat([whole.subarray(0, 2), Buffer.from('junk'), whole.subarray(2)]), Buffer.from('%PDF-1.7')];
    for (const bytes of cases) {
      const fromFile = await problemOf(bytes);
      for (const chunkBytes of [1, 7, 1000, 65_536]) {
        const check = new JpegStructureCheck();
        for (let at = 0; at < bytes.length; at += chunkBytes) check.feed(bytes.subarray(at, at + chunkBytes));
        expect(check.problem(), `${bytes.length} bytes in chunks of ${chunkBytes}`).toBe(fromFile);
      }
    }
    expect(await problemOf(whole)).toBeNull();
  });

  it('refuses a broken structure', async () => {
    const whole = await photo();
    expect(await problemOf(Buffer.concat([whole.subarray(0, 2), Buffer.from('not a marker at all'), whole.subarray(2)]))).toMatch(/not a marker/);
    expect(await problemOf(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatch(/before any image data/);
  });
});
