import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import type { Actor, Media, MediaService, RegisteredUpload, RegisterOutcome, UploadedMedia } from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';
import { checkContent } from './content-checks.ts';
import { sniffContentType } from './sniff.ts';
import type { Spool } from '../../spool.ts';
import type { SpooledFile } from './spool-writer.ts';
import type { StoreEnqueuer } from './store-enqueuer.ts';

export interface AcceptDeps {
  spool: Spool;
  media: MediaService;
  queue: StoreEnqueuer;
  maxPixels: number;
  /** Whether a media row exists, read on the primary; for a registration whose outcome is unknown. */
  findRow(mediaId: string): Promise<Media | undefined>;
}

export interface AcceptedUpload {
  media: Media;
  outcome: RegisterOutcome;
  /** Whether the `store` job made it into Redis (false: the reconciler will queue it). */
  queued: boolean;
}

/**
 * Turns a file written on the spool (incoming/ or the tus store) into a media row. It owns the
 * file: on success it lies fsynced in objects/<id>; on any refusal or failure it is removed, so a
 * rejected upload leaves no file, no row and no job. Order matters: the row is committed only
 * after the file is durable, and the job is added only after the row is committed.
 */
export async function acceptUpload(deps: AcceptDeps, actor: Actor, file: SpooledFile, requestId: string): Promise<AcceptedUpload> {
  const { spool } = deps;
  let objectPath: string | undefined;
  try {
    if (file.sizeBytes === 0) throw new HttpProblem(422, 'empty_upload', 'the upload has no bytes');
    const contentType = await sniffContentType(file.head);
    const { width, height } = await checkContent(file, contentType, deps.maxPixels);
    const mediaId = randomUUID();
    objectPath = await spool.commit(file.path, mediaId);
    const { media, outcome } = await register(deps, actor, { id: mediaId, sha256: file.sha256, sizeBytes: file.sizeBytes, contentType, width, height });
    if (outcome !== 'created') await keepOneSpoolCopy(spool, media, objectPath);
    objectPath = undefined;
    const queued = media.status === 'spooled' ? await deps.queue.enqueue(media.id, requestId) : false;
    return { media, outcome, queued };
  } catch (error) {
    await spool.discard(objectPath ?? file.path);
    throw error;
  }
}

/**
 * A failure after COMMIT was sent (the connection lost while reading the GTID) leaves the row in
 * place; dropping its spool file then would lose an accepted upload, so look before giving up.
 */
async function register(deps: AcceptDeps, actor: Actor, upload: UploadedMedia): Promise<RegisteredUpload> {
  try {
    return await deps.media.registerUpload(actor, upload);
  } catch (error) {
    const committed = await deps.findRow(upload.id).catch(() => undefined);
    if (committed) return { media: committed, outcome: 'created' };
    throw error;
  }
}

/**
 * A repeat upload of media the owner already has. Ours is redundant unless the row still waits to
 * be stored and its spool copy is missing: the bytes are the same (same SHA-256), so ours takes its place.
 */
async function keepOneSpoolCopy(spool: Spool, media: Media, ourPath: string): Promise<void> {
  if (media.status === 'spooled' && !(await exists(spool.objectPath(media.id)))) {
    await spool.commit(ourPath, media.id);
    return;
  }
  await spool.discard(ourPath);
}

async function exists(filePath: string): Promise<boolean> {
  try {
    await access(filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
