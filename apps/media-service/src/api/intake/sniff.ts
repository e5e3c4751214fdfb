import { fileTypeFromBuffer } from 'file-type';
import { HttpProblem } from '@chucar/platform';

/** The types intake accepts, as the bytes say (never the client's Content-Type or filename). */
export type SniffedContentType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/heic' | 'image/heif' | 'image/avif' | 'application/pdf';

const accepted: ReadonlySet<string> = new Set<SniffedContentType>(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'image/avif', 'application/pdf']);

function isAccepted(mime: string): mime is SniffedContentType {
  return accepted.has(mime);
}

/** 415 for anything but a JPEG, PNG, WebP, HEIC/HEIF, AVIF image or a PDF. */
export async function sniffContentType(head: Buffer): Promise<SniffedContentType> {
  const detected = await fileTypeFromBuffer(head);
  if (detected && isAccepted(detected.mime)) return detected.mime;
  const what = detected ? `${detected.mime} content` : 'content of no recognised type';
  throw new HttpProblem(415, 'unsupported_media_type', `${what} is not accepted; upload a JPEG, PNG, WebP, HEIC, AVIF image or a PDF`);
}
