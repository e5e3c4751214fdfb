import { describe, expect, it } from 'vitest';
import { heifOrientsItself } from './heif-container.ts';
import { readExifOrientation } from './image-orientation.ts';

/** A minimal TIFF block: header, IFD0 with one entry. */
function exifBlock(order: 'II' | 'MM', tag: number, type: number, value: number, withHeader: boolean): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  const little = order === 'II';
  const u16 = (value: number, at: number) => (little ? tiff.writeUInt16LE(value, at) : tiff.writeUInt16BE(value, at));
  const u32 = (value: number, at: number) => (little ? tiff.writeUInt32LE(value, at) : tiff.writeUInt32BE(value, at));
  tiff.write(order, 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(1, 8);
  u16(tag, 10);
  u16(type, 12);
  u32(1, 14);
  u16(value, 18);
  return withHeader ? Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]) : tiff;
}

describe('EXIF orientation', () => {
  it('reads the tag in either byte order, with or without the Exif header', () => {
    expect(readExifOrientation(exifBlock('II', 0x0112, 3, 6, true))).toBe(6);
    expect(readExifOrientation(exifBlock('MM', 0x0112, 3, 8, false))).toBe(8);
  });

  it('says nothing when there is no usable tag', () => {
    expect(readExifOrientation(undefined)).toBeUndefined();
    expect(readExifOrientation(exifBlock('II', 0x010f, 3, 6, true))).toBeUndefined();
    expect(readExifOrientation(exifBlock('II', 0x0112, 3, 9, true))).toBeUndefined();
    expect(readExifOrientation(exifBlock('II', 0x0112, 3, 6, true).subarray(0, 20))).toBeUndefined();
    expect(readExifOrientation(Buffer.from('garbage that is no TIFF'))).toBeUndefined();
  });

  it('a file that is no HEIF does not orient itself', () => {
    expect(heifOrientsItself(Buffer.from('not an ISO media file at all'))).toBe(false);
    expect(heifOrientsItself(Buffer.alloc(0))).toBe(false);
  });
});
