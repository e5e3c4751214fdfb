import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { HttpProblem } from '@chucar/platform';
import type { Intake } from '../intake/intake-plugin.ts';
import { spoolUpload, uploadTooLarge, type SpooledFile } from '../intake/spool-writer.ts';

/** Room for a multipart body's boundaries and part headers around the one file. */
const multipartOverheadBytes = 64 * 1024;

/** Multipart limits: one file of at most `maxBytes` (busboy's default for a file is fastify's 1 MiB body limit). */
export function multipartLimits(maxBytes: number) {
  return { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 8 * 1024, parts: 25, headerPairs: 100 };
}

/**
 * Streams the upload in the request to the spool: the raw body (any content type: it is sniffed
 * later, never trusted), or the one file part of a multipart/form-data body. A body announced as
 * too large is refused before any byte is read.
 */
export async function spoolRequestBody(request: FastifyRequest, intake: Intake): Promise<SpooledFile> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (request.isMultipart()) {
    if (declared > intake.maxBytes + multipartOverheadBytes) throw uploadTooLarge(intake.maxBytes);
    return spoolMultipartFile(request, intake);
  }
  if (declared > intake.maxBytes) throw uploadTooLarge(intake.maxBytes);
  // No body at all reaches here as undefined; it is spooled as the empty upload it is (422 later).
  const source = request.body instanceof Readable ? request.body : Readable.from([]);
  return spoolUpload(source, intake.spool, intake.maxBytes);
}

async function spoolMultipartFile(request: FastifyRequest, intake: Intake): Promise<SpooledFile> {
  let spooled: SpooledFile | undefined;
  try {
    // Every part is consumed in turn: a file stream left unread would stall the parser and the request.
    for await (const part of request.parts({ limits: multipartLimits(intake.maxBytes) })) {
      if (part.type !== 'file') continue;
      spooled = await spoolUpload(part.file, intake.spool, intake.maxBytes);
      // busboy stops at the limit and marks the stream truncated rather than failing it.
      if (part.file.truncated) throw uploadTooLarge(intake.maxBytes);
    }
  } catch (error) {
    if (spooled) await intake.spool.discard(spooled.path);
    throw multipartProblem(error, intake.maxBytes);
  }
  if (!spooled) throw new HttpProblem(400, 'file_part_missing', 'the multipart/form-data body has no file part');
  return spooled;
}

function multipartProblem(error: unknown, maxBytes: number): unknown {
  switch ((error as { code?: unknown }).code) {
    case 'FST_FILES_LIMIT':
      return new HttpProblem(400, 'one_file_expected', 'send exactly one file part per upload');
    case 'FST_REQ_FILE_TOO_LARGE':
      return uploadTooLarge(maxBytes);
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new HttpProblem(400, 'too_many_parts', 'the multipart/form-data body has too many parts; send one file part');
    default:
      return error;
  }
}
