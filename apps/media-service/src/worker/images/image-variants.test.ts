import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { heifOrientsItself } from './heif-container.ts';
import { readExifOrientation } from './image-orientation.ts';
import { ImageUnusableError, renderVariants } from './image-variants.ts';
import { cameraPhoto } from '../../testing/camera-photo.ts';
import { ORIENTATIONS, QUADRANT_COLOURS, UPRIGHT_HEIGHT, UPRIGHT_WIDTH, orientedJpeg, quadrantColours } from '../../testing/orientation-images.ts';

const fixture = (name: string) => fs.readFileSync(new URL(`../../testing/fixtures/${name}`, import.meta.url));
const options = { maxPixels: 100_000_000 };

/** Each quadrant within a JPEG/WebP round trip of its colour. */
function expectUpright(colours: Awaited<ReturnType<typeof quadrantColours>>): void {
  expect({ width: colours.width, height: colours.height }).toEqual({ width: UPRIGHT_WIDTH, height: UPRIGHT_HEIGHT });
  for (const quadrant of ['topLeft', 'topRight', 'bottomLeft', 'bottomRight'] as const) {
    const expected = QUADRANT_COLOURS[quadrant];
    colours[quadrant].forEach((channel, index) => expect(Math.abs(channel - expected[index]!), `${quadrant} channel ${index}`).toBeLessThan(40));
  }
}

describe('image variants', () => {
  it.each(ORIENTATIONS)('a JPEG with EXIF Orientation %i comes out upright in every variant', async (orientation) => {
    const jpeg = await orientedJpeg(orientation);
    expect((await sharp(jpeg).metadata()).orientation).toBe(orientation);
    const rendered = await renderVariants(jpeg, 'image/jpeg', options);
    expect({ width: rendered.width, height: rendered.height }).toEqual({ width: UPRIGHT_WIDTH, height: UPRIGHT_HEIGHT });
    for (const variant of rendered.variants) expectUpright(await quadrantColours(variant.bytes));
  });

  it.each(ORIENTATIONS)('a HEIC with EXIF Orientation %i (no HEIF transform) comes out upright', async (orientation) => {
    const heic = fixture(`heic-o${orientation}.heic`);
    expect(heifOrientsItself(heic)).toBe(false);
    const rendered = await renderVariants(heic, 'image/heic', options);
    for (const variant of rendered.variants) expectUpright(await quadrantColours(variant.bytes));
  });

  it('a HEIC whose container rotates it (irot) and whose EXIF says the same is turned once, not twice', async () => {
    const heic = fixture('heic-irot-o6.heic');
    expect(heifOrientsItself(heic)).toBe(true);
    expect(readExifOrientation((await sharp(heic).metadata()).exif)).toBe(6);
    const rendered = await renderVariants(heic, 'image/heic', options);
    for (const variant of rendered.variants) expectUpright(await quadrantColours(variant.bytes));
  });

  it('strips every metadata block (EXIF with GPS, XMP, ICC, IPTC) from every variant', async () => {
    const photo = await cameraPhoto(2000, 1500, { noise: false });
    const input = await sharp(photo).metadata();
    expect(input.exif?.toString('latin1')).toContain('TestCam');
    expect(input.xmp).toBeDefined();
    expect(input.icc).toBeDefined();
    const rendered = await renderVariants(photo, 'image/jpeg', options);
    expect(rendered.variants.map((variant) => variant.name)).toEqual(['w320', 'w1280']);
    for (const variant of rendered.variants) {
      const metadata = await sharp(variant.bytes).metadata();
      expect(metadata.format).toBe('webp');
      expect(metadata).not.toHaveProperty('exif');
      expect(metadata).not.toHaveProperty('xmp');
      expect(metadata).not.toHaveProperty('icc');
      expect(metadata).not.toHaveProperty('iptc');
      expect(variant.bytes.toString('latin1')).not.toMatch(/GPS|TestCam|xmpmeta/);
    }
  });

  it('makes 320 and 1280 px wide WebP and never enlarges a smaller image', async () => {
    const large = await renderVariants(await cameraPhoto(3000, 2000, { noise: false }), 'image/jpeg', options);
    expect(large.variants.map(({ name, width, height }) => ({ name, width, height }))).toEqual([
      { name: 'w320', width: 320, height: 213 },
      { name: 'w1280', width: 1280, height: 853 },
    ]);
    const small = await renderVariants(await cameraPhoto(600, 400, { noise: false }), 'image/jpeg', options);
    expect(small.variants.map(({ name, width, height }) => ({ name, width, height }))).toEqual([
      { name: 'w320', width: 320, height: 213 },
      { name: 'w1280', width: 600, height: 400 },
    ]);
  });

  it('refuses bytes that are not a readable image', async () => {
    const jpeg = await orientedJpeg(1);
    const corrupt = Buffer.concat([jpeg.subarray(0, 20), Buffer.alloc(2000, 0x5a)]);
    await expect(renderVariants(corrupt, 'image/jpeg', options)).rejects.toBeInstanceOf(ImageUnusableError);
    await expect(renderVariants(Buffer.from('not a heic at all'), 'image/heic', options)).rejects.toBeInstanceOf(ImageUnusableError);
  });

  it('refuses an image with more pixels than allowed before decoding it', async () => {
    await expect(renderVariants(await orientedJpeg(1), 'image/jpeg', { maxPixels: 1000 })).rejects.toThrow(/pixel/i);
    await expect(renderVariants(fixture('heic-o1.heic'), 'image/heic', { maxPixels: 1000 })).rejects.toThrow(/exceeds 1000 pixels/);
  });
});
