/**
 * Writes the HEIC test fixtures in ./fixtures (committed; rerun only to change them):
 * - heic-o<N>.heic: the orientation picture stored as orientation N describes, with that EXIF
 *   Orientation and no HEIF transform, as `heif-enc` (Debian's libheif-examples) makes from a JPEG;
 * - heic-irot-o6.heic: stored sideways with EXIF Orientation 6 AND an `irot` property saying the
 *   same, as an iPhone writes portrait photos: upright only if the orientation is applied once.
 * Usage: node apps/media-service/src/testing/make-heic-fixtures.ts (needs heif-enc).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORIENTATIONS, orientedJpeg } from './orientation-images.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'heic-fixtures-'));

async function heicOf(jpeg: Buffer, name: string): Promise<Buffer> {
  const input = path.join(scratch, `${name}.jpg`);
  const output = path.join(scratch, `${name}.heic`);
  fs.writeFileSync(input, jpeg);
  execFileSync('heif-enc', ['-q', '90', input, '-o', output], { stdio: 'ignore' });
  return fs.readFileSync(output);
}

interface Box {
  type: string;
  offset: number;
  size: number;
  headerSize: number;
}

function childBoxes(file: Buffer, start: number, end: number): Box[] {
  const found: Box[] = [];
  for (let offset = start; offset + 8 <= end; ) {
    const size = file.readUInt32BE(offset);
    if (size < 8) throw new Error('unexpected box size in heif-enc output');
    found.push({ type: file.toString('latin1', offset + 4, offset + 8), offset, size, headerSize: 8 });
    offset += size;
  }
  return found;
}

function only(list: Box[], type: string): Box {
  const box = list.find((candidate) => candidate.type === type);
  if (!box) throw new Error(`no ${type} box`);
  return box;
}

/** Adds `irot` (angle in quarter turns anticlockwise) to the primary item, fixing box sizes and file offsets. */
function withIrot(file: Buffer, quarterTurnsAnticlockwise: number): Buffer {
  const meta = only(childBoxes(file, 0, file.length), 'meta');
  const metaChildren = childBoxes(file, meta.offset + 12, meta.offset + meta.size);
  const pitm = only(metaChildren, 'pitm');
  const iloc = only(metaChildren, 'iloc');
  const iprp = only(metaChildren, 'iprp');
  const iprpChildren = childBoxes(file, iprp.offset + 8, iprp.offset + iprp.size);
  const ipco = only(iprpChildren, 'ipco');
  const ipma = only(iprpChildren, 'ipma');
  if (file.readUInt8(pitm.offset + 8) !== 0 || file.readUInt8(ipma.offset + 8) !== 0 || (file.readUInt32BE(ipma.offset + 8) & 1) !== 0) throw new Error('expected version-0 pitm/ipma with 7-bit indexes');
  if (!(iloc.offset < iprp.offset && ipco.offset < ipma.offset)) throw new Error('expected iloc before iprp and ipco before ipma');
  const primaryItem = file.readUInt16BE(pitm.offset + 12);
  const propertyIndex = childBoxes(file, ipco.offset + 8, ipco.offset + ipco.size).length + 1;

  const irot = Buffer.from([0, 0, 0, 9, ...Buffer.from('irot'), quarterTurnsAnticlockwise & 3]);
  const association = Buffer.from([0x80 | propertyIndex]); // essential: a reader must apply it
  const delta = irot.length + association.length;

  // Where the primary item's associations end in ipma.
  let cursor = ipma.offset + 12;
  const entries = file.readUInt32BE(cursor);
  cursor += 4;
  let associationCountAt = -1;
  let associationsEnd = -1;
  for (let entry = 0; entry < entries; entry++) {
    const itemId = file.readUInt16BE(cursor);
    const count = file.readUInt8(cursor + 2);
    if (itemId === primaryItem) {
      associationCountAt = cursor + 2;
      associationsEnd = cursor + 3 + count;
    }
    cursor += 3 + count;
  }
  if (associationCountAt < 0) throw new Error('primary item has no ipma entry');

  const patched = Buffer.from(file);
  shiftIlocOffsets(patched, iloc, meta.offset + meta.size, delta);
  patched.writeUInt8(patched.readUInt8(associationCountAt) + 1, associationCountAt);
  for (const [box, grow] of [[meta, delta], [iprp, delta], [ipco, irot.length], [ipma, association.length]] as const) {
    patched.writeUInt32BE(box.size + grow, box.offset);
  }
  const ipcoEnd = ipco.offset + ipco.size;
  return Buffer.concat([patched.subarray(0, ipcoEnd), irot, patched.subarray(ipcoEnd, associationsEnd), association, patched.subarray(associationsEnd)]);
}

/** Item data lives in mdat after meta: every absolute offset at or past `from` moves by `delta`. */
function shiftIlocOffsets(file: Buffer, iloc: Box, from: number, delta: number): void {
  let cursor = iloc.offset + 8;
  const version = file.readUInt8(cursor);
  cursor += 4;
  const sizes = file.readUInt16BE(cursor);
  cursor += 2;
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 0xf;
  const baseOffsetSize = (sizes >> 4) & 0xf;
  const indexSize = version >= 1 ? sizes & 0xf : 0;
  const read = (at: number, bytes: number) => (bytes === 0 ? 0 : bytes === 4 ? file.readUInt32BE(at) : Number(file.readBigUInt64BE(at)));
  const write = (at: number, bytes: number, value: number) => (bytes === 4 ? file.writeUInt32BE(value, at) : file.writeBigUInt64BE(BigInt(value), at));
  const itemCount = version < 2 ? file.readUInt16BE(cursor) : file.readUInt32BE(cursor);
  cursor += version < 2 ? 2 : 4;
  for (let item = 0; item < itemCount; item++) {
    cursor += version < 2 ? 2 : 4;
    const constructionMethod = version >= 1 ? file.readUInt16BE(cursor) & 0xf : 0;
    if (version >= 1) cursor += 2;
    cursor += 2; // data_reference_index
    const baseOffsetAt = cursor;
    const baseOffset = read(cursor, baseOffsetSize);
    cursor += baseOffsetSize;
    const extents = file.readUInt16BE(cursor);
    cursor += 2;
    for (let extent = 0; extent < extents; extent++) {
      cursor += indexSize;
      const extentOffset = read(cursor, offsetSize);
      if (constructionMethod === 0 && baseOffsetSize === 0 && extentOffset >= from) write(cursor, offsetSize, extentOffset + delta);
      cursor += offsetSize + lengthSize;
    }
    if (constructionMethod === 0 && baseOffsetSize > 0 && baseOffset >= from) write(baseOffsetAt, baseOffsetSize, baseOffset + delta);
  }
}

fs.mkdirSync(fixturesDir, { recursive: true });
for (const orientation of ORIENTATIONS) {
  fs.writeFileSync(path.join(fixturesDir, `heic-o${orientation}.heic`), await heicOf(await orientedJpeg(orientation), `o${orientation}`));
}
// irot angle 3 = 270° anticlockwise = 90° clockwise, what EXIF Orientation 6 asks for.
fs.writeFileSync(path.join(fixturesDir, 'heic-irot-o6.heic'), withIrot(await heicOf(await orientedJpeg(6), 'irot-o6'), 3));
fs.rmSync(scratch, { recursive: true, force: true });
console.log(`fixtures written to ${fixturesDir}`);
