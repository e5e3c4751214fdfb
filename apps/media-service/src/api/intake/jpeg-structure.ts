import { createReadStream } from 'node:fs';

/**
 * Whether a JPEG's marker structure runs from SOI through at least one scan to its EOI, read as a
 * stream without decoding. Segments are skipped by their length (so the EXIF thumbnail's own EOI
 * is never taken for the image's); scan data is searched for the next marker. What follows the
 * EOI (a phone's appended motion clip or second image) is not read. Returns why it is not, or null.
 */
export async function jpegStructureProblem(filePath: string): Promise<string | null> {
  const check = new JpegStructureCheck();
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1024 * 1024 })) {
    if (check.feed(chunk as Buffer)) break;
  }
  return check.problem();
}

/**
 * The same walk fed with a file's chunks as they pass (the upload on its way to the spool), so the
 * file need not be read again. Anything that is not a JPEG stops it at its first bytes.
 */
export class JpegStructureCheck {
  private readonly scanner = new JpegScanner();
  private outcome: string | null | undefined;

  /** Returns true once the outcome is known; later chunks are ignored. */
  feed(chunk: Buffer): boolean {
    if (this.outcome === undefined) this.outcome = this.scanner.feed(chunk);
    return this.outcome !== undefined;
  }

  /** Why the bytes fed are not a whole JPEG, or null; call after the last chunk. */
  problem(): string | null {
    return this.outcome === undefined ? this.scanner.atEnd() : this.outcome;
  }
}

const SOS = 0xda;
const EOI = 0xd9;
const SOI = 0xd8;
const isRestart = (code: number) => code >= 0xd0 && code <= 0xd7;

type Phase = 'soi0' | 'soi1' | 'marker' | 'code' | 'length0' | 'length1' | 'skip' | 'scan' | 'scanMarker';

class JpegScanner {
  private phase: Phase = 'soi0';
  private code = 0;
  private length = 0;
  private skip = 0;
  private scans = 0;

  /** undefined: keep feeding; null: complete; a string: what is wrong. */
  feed(chunk: Buffer): string | null | undefined {
    let i = 0;
    while (i < chunk.length) {
      switch (this.phase) {
        case 'soi0':
        case 'soi1': {
          const expected = this.phase === 'soi0' ? 0xff : SOI;
          if (chunk[i++] !== expected) return 'it does not start with a JPEG start-of-image marker';
          this.phase = this.phase === 'soi0' ? 'soi1' : 'marker';
          break;
        }
        case 'marker':
          if (chunk[i++] !== 0xff) return 'a segment is followed by something that is not a marker';
          this.phase = 'code';
          break;
        case 'code': {
          const code = chunk[i++]!;
          const outcome = this.onMarker(code);
          if (outcome !== undefined) return outcome;
          break;
        }
        case 'length0':
          this.length = chunk[i++]! << 8;
          this.phase = 'length1';
          break;
        case 'length1':
          this.length |= chunk[i++]!;
          if (this.length < 2) return 'a segment has an impossible length';
          this.skip = this.length - 2;
          this.afterSkip();
          break;
        case 'skip': {
          const taken = Math.min(this.skip, chunk.length - i);
          i += taken;
          this.skip -= taken;
          this.afterSkip();
          break;
        }
        case 'scan': {
          // Scan data: only 0xFF matters (FF00 is a stuffed byte, FFD0-FFD7 a restart, anything else ends the scan).
          const at = chunk.indexOf(0xff, i);
          if (at === -1) {
            i = chunk.length;
          } else {
            i = at + 1;
            this.phase = 'scanMarker';
          }
          break;
        }
        case 'scanMarker': {
          const code = chunk[i++]!;
          if (code === 0x00 || isRestart(code)) this.phase = 'scan';
          else if (code !== 0xff) {
            const outcome = this.onMarker(code);
            if (outcome !== undefined) return outcome;
          }
          break;
        }
      }
    }
    return undefined;
  }

  atEnd(): string {
    return this.scans === 0 ? 'it ends before any image data' : 'it ends before its end-of-image marker (truncated)';
  }

  private onMarker(code: number): string | null | undefined {
    if (code === 0xff) return undefined; // fill byte before a marker
    if (code === EOI) return this.scans > 0 ? null : 'it ends before any image data';
    if (code === SOI || code === 0x00) return 'it has a marker where none may be';
    if (isRestart(code) || code === 0x01) {
      this.phase = 'marker';
      return undefined;
    }
    this.code = code;
    this.phase = 'length0';
    return undefined;
  }

  private afterSkip(): void {
    if (this.skip > 0) {
      this.phase = 'skip';
      return;
    }
    if (this.code === SOS) {
      this.scans += 1;
      this.phase = 'scan';
    } else {
      this.phase = 'marker';
    }
  }
}
