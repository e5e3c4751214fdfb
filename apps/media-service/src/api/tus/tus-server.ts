import { link } from 'node:fs/promises';
import path from 'node:path';
import { ERRORS, Server, type ServerOptions, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { DomainError, type Actor } from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';
import type { Intake } from '../intake/intake-plugin.ts';
import { measureSpooledFile } from '../intake/spool-writer.ts';
import { mediaLocation } from '../routes/media-routes.ts';
import { acceptedMedia } from '../routes/media-answers.ts';

export const TUS_PATH = '/v1/uploads';
/** Upload metadata key naming the customer who created the upload; set by the server, never by the client. */
const ownerKey = 'chucar-owner';

/** What the fastify route knows about a tus call: its verified caller, request id and start. */
export interface TusCall {
  actor: Actor;
  requestId: string;
  startedAt: number;
  /** Set by onUploadFinish when the finished upload was refused or failed; the route answers with it. */
  failure?: unknown;
}

export interface TusServerOptions {
  intake: Intake;
  expiryMs: number;
  /** The call of a Web Request the route built (tus hands hooks the same object). */
  callOf(request: Request): TusCall;
}

/**
 * tus 1.0 (core, creation, creation-with-upload, termination, expiration) by @tus/server, its file
 * store in the spool's tus/ directory. Each upload belongs to the customer who created it; a
 * finished one goes through the same intake as POST /v1/media.
 */
export function createTusServer({ intake, expiryMs, callOf }: TusServerOptions): Server {
  const datastore = new FileStore({ directory: intake.spool.tusDir, expirationPeriodInMilliseconds: expiryMs });

  const onUploadFinish: ServerOptions['onUploadFinish'] = async (request, upload) => {
    const call = callOf(request);
    try {
      // A hard link, not a copy: intake moves it to objects/ while the tus upload stays readable to HEAD until it expires.
      const linked = intake.spool.newIncomingPath();
      await link(path.join(intake.spool.tusDir, upload.id), linked);
      const file = await measureSpooledFile(linked, intake.spool, intake.maxBytes);
      const { media, outcome } = await intake.accept('tus', call.actor, file, call.requestId, call.startedAt);
      return {
        status_code: outcome === 'created' ? 202 : 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-media-id': media.id, 'x-media-location': mediaLocation(media.id) },
        body: JSON.stringify(acceptedMedia(media)),
      };
    } catch (error) {
      call.failure = error;
      // A refused upload leaves nothing behind; after a failure on our side (5xx) it stays, so an
      // empty PATCH at its final offset can try the intake again.
      if (isRefusal(error)) await removeUpload(datastore, upload.id);
      throw { status_code: 500, body: 'the finished upload was not accepted\n' };
    }
  };

  return new Server({
    path: TUS_PATH,
    datastore,
    maxSize: intake.maxBytes,
    // The gateway forwards the same paths, so a relative Location is right on both sides of it.
    relativeLocation: true,
    onUploadCreate: async (request, upload) => ({ metadata: { ...upload.metadata, [ownerKey]: String(callOf(request).actor.accountId) } }),
    // Another customer's upload is answered as if it did not exist.
    onIncomingRequest: async (request, uploadId) => {
      if (request.method === 'POST') return;
      const upload = await datastore.getUpload(uploadId);
      if (upload.metadata?.[ownerKey] !== String(callOf(request).actor.accountId)) throw ERRORS.FILE_NOT_FOUND;
    },
    onUploadFinish,
  });
}

/** The upload itself was refused (4xx), as opposed to a failure on our side worth retrying. */
function isRefusal(error: unknown): boolean {
  return error instanceof HttpProblem ? error.status < 500 : error instanceof DomainError;
}

async function removeUpload(datastore: FileStore, uploadId: Upload['id']): Promise<void> {
  try {
    await datastore.remove(uploadId);
  } catch (error) {
    if (error !== ERRORS.FILE_NOT_FOUND) throw error;
  }
}
