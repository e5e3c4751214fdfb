import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import type { ExifOrientation } from './image-orientation.ts';
import { renderVariants } from './image-variants.ts';
import { ORIENTATIONS, displayedAt } from '../../testing/orientation-images.ts';
import { compactCameraPhoto, phonePhotoWithGps, withOrientationTag } from '../../testing/real-camera-photos.ts';

const options = { maxPixels: 100_000_000 };
const COMPARE_WIDTH = 96;

interface RawImage {
  data: Buffer;
  width: number;
  height: number;
}

/** The stored pixels as they are in the file, with no orientation applied. */
async function storedPixels(jpeg: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The upright picture, turned pixel by pixel from the EXIF definition (not by the code under test). */
function uprightByDefinition(stored: RawImage, orientation: ExifOrientation): RawImage {
  const swapped = orientation >= 5;
  const width = swapped ? stored.height : stored.width;
  const height = swapped ? stored.width : stored.height;
  const data = Buffer.alloc(width * height * 3);
  for (let row = 0; row < stored.height; row++) {
    for (let column = 0; column < stored.width; column++) {
      const [x, y] = displayedAt(orientation, column, row, stored.width, stored.height);
      stored.data.copy(data, (y * width + x) * 3, (row * stored.width + column) * 3, (row * stored.width + column) * 3 + 3);
    }
  }
  return { data, width, height };
}

/** Mean absolute difference per channel once both are scaled to the same small size (0–255). */
async function meanDifference(image: Buffer | RawImage, reference: RawImage): Promise<number> {
  const small = async (input: Buffer | RawImage) => {
    const pipeline = Buffer.isBuffer(input) ? sharp(input) : sharp(input.data, { raw: { width: input.width, height: input.height, channels: 3 } });
    return pipeline.resize(COMPARE_WIDTH, Math.round((COMPARE_WIDTH * reference.height) / reference.width), { fit: 'fill' }).removeAlpha().raw().toBuffer();
  };
  const [a, b] = await Promise.all([small(image), small(reference)]);
  let total = 0;
  for (let index = 0; index < a.length; index++) total += Math.abs(a[index]! - b[index]!);
  return total / a.length;
}

describe('previews of real camera photos', () => {
  it('the phone photo really carries GPS, maker fields and a thumbnail, as the test needs', async () => {
    const metadata = await sharp(phonePhotoWithGps()).metadata();
    const exif = metadata.exif!.toString('latin1');
    expect(exif).toContain('Nokia');
    expect(metadata.orientation).toBe(1);
    // Tag 0x8825 points at the GPS block; IFD1 (the thumbnail) follows IFD0.
    expect(phonePhotoWithGps().includes(Buffer.from([0x25, 0x88]))).toBe(true);
  });

  it.each(ORIENTATIONS)('the phone photo held as EXIF Orientation %i: every variant upright, with no metadata left', async (orientation) => {
    const photo = withOrientationTag(phonePhotoWithGps(), orientation);
    expect((await sharp(photo).metadata()).orientation).toBe(orientation);
    const stored = await storedPixels(photo);
    const upright = uprightByDefinition(stored, orientation);
    const rendered = await renderVariants(photo, 'image/jpeg', options);
    expect({ width: rendered.width, height: rendered.height }).toEqual({ width: upright.width, height: upright.height });
    for (const variant of rendered.variants) {
      const metadata = await sharp(variant.bytes).metadata();
      expect(metadata).not.toHaveProperty('exif');
      expect(metadata).not.toHaveProperty('xmp');
      expect(variant.bytes.toString('latin1')).not.toMatch(/Nokia|Lumia|GPS/);
      expect(variant.width / variant.height).toBeCloseTo(upright.width / upright.height, 1);
      // Close to the picture turned by definition, far from every other turn (the photo is not symmetric).
      expect(await meanDifference(variant.bytes, upright)).toBeLessThan(6);
      for (const other of ORIENTATIONS.filter((candidate) => candidate !== orientation && candidate >= 5 === orientation >= 5)) {
        expect(await meanDifference(variant.bytes, uprightByDefinition(stored, other)), `turned as ${other} instead`).toBeGreaterThan(15);
      }
    }
  });

  it('a compact camera photo (Nikon maker fields) gives both previews, upright, without its EXIF', async () => {
    const photo = compactCameraPhoto();
    expect((await sharp(photo).metadata()).exif!.toString('latin1')).toContain('NIKON');
    const rendered = await renderVariants(photo, 'image/jpeg', options);
    expect(rendered.variants.map(({ name, width, height }) => ({ name, width, height }))).toEqual([
      { name: 'w320', width: 320, height: 240 },
      { name: 'w1280', width: 400, height: 300 },
    ]);
    for (const variant of rendered.variants) {
      expect(await sharp(variant.bytes).metadata()).not.toHaveProperty('exif');
      expect(await meanDifference(variant.bytes, await storedPixels(photo))).toBeLessThan(6);
    }
  });
});
