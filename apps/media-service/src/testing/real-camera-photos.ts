/**
 * Photos made by real cameras, for the tests that sharp-made pictures cannot stand in for: a
 * phone's EXIF (maker fields, a GPS block, a thumbnail in IFD1) is laid out by the phone, not by
 * the library under test. They come from npm packages pinned as devDependencies, read in place.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ExifOrientation } from '../worker/images/image-orientation.ts';

const requireFromHere = createRequire(import.meta.url);

function packageFile(packageName: string, relativePath: string): Buffer {
  const packageRoot = path.dirname(requireFromHere.resolve(`${packageName}/package.json`));
  return fs.readFileSync(path.join(packageRoot, relativePath));
}

/** A Nokia Lumia 820 photo, 1278x720, with a GPS block (exif-parser's own test photo). */
export function phonePhotoWithGps(): Buffer {
  return packageFile('exif-parser', 'test/starfish.jpg');
}

/** A Nikon Coolpix E4600 photo, 400x300 (exif-js's example photo). */
export function compactCameraPhoto(): Buffer {
  return packageFile('exif-js', 'example/DSCN0614_small.jpg');
}

const TIFF_TAG_ORIENTATION = 0x0112;

/**
 * The same photo as if the camera had been held another way: only the value of IFD0's
 * Orientation tag changes, in place, so every other byte the camera wrote stays as it was.
 */
export function withOrientationTag(jpeg: Buffer, orientation: ExifOrientation): Buffer {
  const photo = Buffer.from(jpeg);
  const tiffStart = exifTiffHeaderOffset(photo);
  const littleEndian = photo.toString('latin1', tiffStart, tiffStart + 2) === 'II';
  const readUint16 = (offset: number) => (littleEndian ? photo.readUInt16LE(offset) : photo.readUInt16BE(offset));
  const readUint32 = (offset: number) => (littleEndian ? photo.readUInt32LE(offset) : photo.readUInt32BE(offset));
  const ifd0 = tiffStart + readUint32(tiffStart + 4);
  const entryCount = readUint16(ifd0);
  for (let entry = 0; entry < entryCount; entry++) {
    const entryOffset = ifd0 + 2 + entry * 12;
    if (readUint16(entryOffset) !== TIFF_TAG_ORIENTATION) continue;
    if (littleEndian) photo.writeUInt16LE(orientation, entryOffset + 8);
    else photo.writeUInt16BE(orientation, entryOffset + 8);
    return photo;
  }
  throw new Error('the photo has no Orientation tag in IFD0');
}

/** Where the TIFF header of the APP1 "Exif" segment starts. */
function exifTiffHeaderOffset(jpeg: Buffer): number {
  let offset = 2; // after SOI
  while (offset + 4 <= jpeg.length && jpeg[offset] === 0xff) {
    const marker = jpeg[offset + 1]!;
    const segmentLength = jpeg.readUInt16BE(offset + 2);
    if (marker === 0xe1 && jpeg.toString('latin1', offset + 4, offset + 10) === 'Exif\0\0') return offset + 10;
    if (marker === 0xda) break; // start of scan: no more metadata segments
    offset += 2 + segmentLength;
  }
  throw new Error('the photo has no EXIF segment');
}
