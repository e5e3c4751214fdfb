/**
 * Test images for orientation: an upright picture with four coloured quadrants, stored turned as
 * each EXIF Orientation describes, so that only a reader that applies the tag sees it upright.
 * The stored layout is built pixel by pixel from the EXIF definition, not with the code under test.
 */
import sharp from 'sharp';
import type { ExifOrientation } from '../worker/images/image-orientation.ts';

export const UPRIGHT_WIDTH = 64;
export const UPRIGHT_HEIGHT = 48;
export const ORIENTATIONS: ExifOrientation[] = [1, 2, 3, 4, 5, 6, 7, 8];

type Rgb = readonly [number, number, number];
export const QUADRANT_COLOURS = { topLeft: [230, 20, 20], topRight: [20, 200, 20], bottomLeft: [20, 20, 230], bottomRight: [240, 220, 20] } as const satisfies Record<string, Rgb>;

function uprightColour(x: number, y: number): Rgb {
  const left = x < UPRIGHT_WIDTH / 2;
  const top = y < UPRIGHT_HEIGHT / 2;
  if (top) return left ? QUADRANT_COLOURS.topLeft : QUADRANT_COLOURS.topRight;
  return left ? QUADRANT_COLOURS.bottomLeft : QUADRANT_COLOURS.bottomRight;
}

/** Where stored pixel (column c, row r) of a `storedWidth` x `storedHeight` image is displayed, per EXIF. */
export function displayedAt(orientation: ExifOrientation, c: number, r: number, storedWidth: number, storedHeight: number): [number, number] {
  switch (orientation) {
    case 1: return [c, r];
    case 2: return [storedWidth - 1 - c, r];
    case 3: return [storedWidth - 1 - c, storedHeight - 1 - r];
    case 4: return [c, storedHeight - 1 - r];
    case 5: return [r, c];
    case 6: return [storedHeight - 1 - r, c];
    case 7: return [storedHeight - 1 - r, storedWidth - 1 - c];
    case 8: return [r, storedWidth - 1 - c];
  }
}

/** Raw RGB pixels as a camera in `orientation` would store the upright picture. */
export function storedPixels(orientation: ExifOrientation): { data: Buffer; width: number; height: number } {
  const swapped = orientation >= 5;
  const width = swapped ? UPRIGHT_HEIGHT : UPRIGHT_WIDTH;
  const height = swapped ? UPRIGHT_WIDTH : UPRIGHT_HEIGHT;
  const data = Buffer.alloc(width * height * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [x, y] = displayedAt(orientation, c, r, width, height);
      data.set(uprightColour(x, y), (r * width + c) * 3);
    }
  }
  return { data, width, height };
}

/** A JPEG of the stored pixels with the Orientation tag (withMetadata: an Orientation given to withExif is replaced by 1). */
export async function orientedJpeg(orientation: ExifOrientation): Promise<Buffer> {
  const { data, width, height } = storedPixels(orientation);
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation }).toBuffer();
}

/** Colour in the middle of each quadrant of an RGB(A) image, to compare with QUADRANT_COLOURS. */
export async function quadrantColours(image: Buffer): Promise<Record<keyof typeof QUADRANT_COLOURS, number[]> & { width: number; height: number }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (fx: number, fy: number) => {
    const offset = (Math.floor(info.height * fy) * info.width + Math.floor(info.width * fx)) * info.channels;
    return [data[offset]!, data[offset + 1]!, data[offset + 2]!];
  };
  return { width: info.width, height: info.height, topLeft: at(0.25, 0.25), topRight: at(0.75, 0.25), bottomLeft: at(0.25, 0.75), bottomRight: at(0.75, 0.75) };
}
