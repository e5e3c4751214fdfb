/**
 * Whether a HEIF file orients its primary image itself. HEIF carries rotation and mirroring as
 * item properties (`irot`, `imir`), which libheif (inside heic-decode) applies while decoding; an
 * iPhone writes them AND an EXIF Orientation saying the same thing. Applying the EXIF tag on top
 * would turn such a photo twice, so the tag is only for files whose container says nothing.
 */

interface Box {
  type: string;
  /** Offset of the payload (after the header) and the end of the box, in the file. */
  start: number;
  end: number;
}

function* boxes(data: Buffer, start: number, end: number): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    let size = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1) {
      if (offset + 16 > end) return;
      size = Number(data.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) return;
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

function child(data: Buffer, parent: { start: number; end: number }, type: string, fullBox = false): Box | undefined {
  for (const box of boxes(data, parent.start, parent.end)) {
    if (box.type === type) return fullBox ? { ...box, start: box.start + 4 } : box;
  }
  return undefined;
}

/** True when the primary item has an `irot` or `imir` property; false when it has none or the file is not HEIF. */
export function heifOrientsItself(file: Buffer): boolean {
  const meta = child(file, { start: 0, end: file.length }, 'meta', true);
  if (!meta) return false;
  const pitm = child(file, meta, 'pitm');
  const iprp = child(file, meta, 'iprp');
  const ipco = iprp && child(file, iprp, 'ipco');
  const ipma = iprp && child(file, iprp, 'ipma');
  if (!pitm || !ipco || !ipma) return false;

  const pitmVersion = file.readUInt8(pitm.start);
  const primaryItem = pitmVersion === 0 ? file.readUInt16BE(pitm.start + 4) : file.readUInt32BE(pitm.start + 4);
  // Property indexes in ipma are 1-based positions in ipco.
  const propertyTypes = [...boxes(file, ipco.start, ipco.end)].map((box) => box.type);

  const version = file.readUInt8(ipma.start);
  const wideIndexes = (file.readUInt32BE(ipma.start) & 1) === 1;
  let offset = ipma.start + 4;
  const entryCount = file.readUInt32BE(offset);
  offset += 4;
  for (let entry = 0; entry < entryCount && offset < ipma.end; entry++) {
    const itemId = version < 1 ? file.readUInt16BE(offset) : file.readUInt32BE(offset);
    offset += version < 1 ? 2 : 4;
    const associations = file.readUInt8(offset);
    offset += 1;
    for (let association = 0; association < associations; association++) {
      const index = wideIndexes ? file.readUInt16BE(offset) & 0x7fff : file.readUInt8(offset) & 0x7f;
      offset += wideIndexes ? 2 : 1;
      const type = propertyTypes[index - 1];
      if (itemId === primaryItem && (type === 'irot' || type === 'imir')) return true;
    }
  }
  return false;
}
