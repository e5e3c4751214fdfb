/**
 * Orientation for pixels that arrive without it: heic-decode returns the HEIC's pixels as stored,
 * and the EXIF Orientation tag that says how to turn them is left to us.
 */
import type { Sharp } from 'sharp';

export type ExifOrientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const orientationTag = 0x0112;
const shortType = 3;

/**
 * The Orientation of IFD0 in an EXIF block (with or without the `Exif\0\0` header), or undefined
 * when there is none or the block cannot be read: a preview is then made as stored.
 */
export function readExifOrientation(exif: Uint8Array | undefined): ExifOrientation | undefined {
  if (!exif) return undefined;
  const data = Buffer.from(exif.buffer, exif.byteOffset, exif.byteLength);
  const tiffStart = data.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
  if (data.length < tiffStart + 8) return undefined;
  const order = data.subarray(tiffStart, tiffStart + 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (offset: number) => (little ? data.readUInt16LE(offset) : data.readUInt16BE(offset));
  const u32 = (offset: number) => (little ? data.readUInt32LE(offset) : data.readUInt32BE(offset));
  if (u16(tiffStart + 2) !== 42) return undefined;
  const ifd0 = tiffStart + u32(tiffStart + 4);
  if (ifd0 + 2 > data.length) return undefined;
  const entries = u16(ifd0);
  for (let index = 0; index < entries; index++) {
    const entry = ifd0 + 2 + index * 12;
    if (entry + 12 > data.length) return undefined;
    if (u16(entry) !== orientationTag) continue;
    if (u16(entry + 2) !== shortType) return undefined;
    const value = u16(entry + 8);
    return value >= 1 && value <= 8 ? (value as ExifOrientation) : undefined;
  }
  return undefined;
}

/**
 * Turns stored pixels upright as the EXIF Orientation asks: 2 and 4 mirror, 3/6/8 rotate clockwise
 * by 180/90/270, 5 and 7 mirror left-right then rotate. Within one pipeline sharp 0.35 mirrors
 * before it rotates, whatever the order of the calls (the all-orientations test pins this down).
 */
export function applyOrientation(image: Sharp, orientation: ExifOrientation): Sharp {
  switch (orientation) {
    case 1:
      return image;
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(270).flop();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(90).flop();
    case 8:
      return image.rotate(270);
  }
}
