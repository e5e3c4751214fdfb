import { open } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { HttpProblem } from '@chucar/platform';
import type { SpooledFile } from './spool-writer.ts';
import type { SniffedContentType } from './sniff.ts';

export interface ContentFacts {
  width: number | null;
  height: number | null;
}

const corruptImage = (detail: string) => new HttpProblem(422, 'corrupt_image', detail);

/**
 * Refuses what cannot become a media row: an image whose header cannot be read, that claims more
 * pixels than `maxPixels` (a decompression bomb: checked from the header, before any decoding), or
 * whose bytes stop early; a PDF without its header or end marker. Structural checks only, no
 * decoding: the worker decodes images when it makes the previews, and a preview that cannot be
 * made never fails the upload.
 */
export async function checkContent(file: SpooledFile, contentType: SniffedContentType, maxPixels: number): Promise<ContentFacts> {
  if (contentType === 'application/pdf') {
    checkPdf(file);
    return { width: null, height: null };
  }
  const { width, height } = await readImageSize(file.path);
  if (width * height > maxPixels) {
    throw new HttpProblem(422, 'image_too_large', `the image is ${width}x${height} pixels, more than the ${maxPixels} accepted`);
  }
  await checkImageComplete(file, contentType);
  return { width, height };
}

async function readImageSize(filePath: string): Promise<{ width: number; height: number }> {
  let metadata: Metadata;
  try {
    // Reads the header only (HEIC included: libheif parses it without the HEVC decoder sharp lacks).
    // Without sharp's own pixel limit, so a bomb is named as one (image_too_large) below.
    metadata = await sharp(filePath, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw corruptImage(`the image cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { width, height } = metadata;
  if (!width || !height) throw corruptImage('the image header gives no size');
  return { width, height };
}

/** A truncated image usually has an intact header; each format shows its end differently. */
async function checkImageComplete(file: SpooledFile, contentType: Exclude<SniffedContentType, 'application/pdf'>): Promise<void> {
  switch (contentType) {
    case 'image/jpeg': {
      // A marker walk, not a decode: decoding a 12 MP photo costs 150-250 ms of CPU here, the walk a
      // few ms, done as the upload streamed to the spool.
      const problem = file.jpegStructureProblem;
      if (problem) throw corruptImage(`the JPEG is incomplete or corrupt: ${problem}`);
      return;
    }
    case 'image/png':
      if (!file.tail.includes(PNG_END_CHUNK)) throw corruptImage('the PNG stops before its IEND chunk (truncated)');
      return;
    case 'image/webp':
      // RIFF length (little-endian at byte 4) counts everything after the first 8 bytes.
      if (file.head.length < 12 || file.head.readUInt32LE(4) + 8 > file.sizeBytes) throw corruptImage('the WebP is shorter than its RIFF header says (truncated)');
      return;
    case 'image/heic':
    case 'image/heif':
    case 'image/avif':
      await checkIsoBoxesComplete(file.path, file.sizeBytes);
      return;
  }
}

/** IEND: zero length, type, CRC. */
const PNG_END_CHUNK = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** HEIF/AVIF files are ISO-BMFF boxes end to end: a box that runs past the end of the file means truncation. */
async function checkIsoBoxesComplete(filePath: string, sizeBytes: number): Promise<void> {
  const handle = await open(filePath, 'r');
  try {
    const header = Buffer.alloc(16);
    let offset = 0;
    // Top-level boxes are few (ftyp, meta, mdat, maybe free); the cap bounds a hostile file.
    for (let boxes = 0; offset < sizeBytes; boxes++) {
      if (boxes >= 1000) throw corruptImage('the image has too many top-level boxes');
      const { bytesRead } = await handle.read(header, 0, 16, offset);
      if (bytesRead < 8) throw corruptImage('the image ends inside a box header (truncated)');
      const size32 = header.readUInt32BE(0);
      // 0: the last box, running to the end of the file.
      if (size32 === 0) return;
      const boxSize = size32 === 1 ? (bytesRead < 16 ? 0 : Number(header.readBigUInt64BE(8))) : size32;
      if (boxSize < 8) throw corruptImage('the image has a malformed box');
      if (offset + boxSize > sizeBytes) throw corruptImage(`the image's ${header.toString('latin1', 4, 8)} box runs past the end of the file (truncated)`);
      offset += boxSize;
    }
  } finally {
    await handle.close();
  }
}

function checkPdf(file: SpooledFile): void {
  if (!file.head.subarray(0, 5).equals(Buffer.from('%PDF-'))) throw new HttpProblem(422, 'corrupt_document', 'the PDF does not start with its %PDF- header');
  // Readers look for the end-of-file marker in the last KiB; without it the document is truncated.
  if (!file.tail.includes('%%EOF')) throw new HttpProblem(422, 'corrupt_document', 'the PDF has no %%EOF marker at its end (truncated)');
}
