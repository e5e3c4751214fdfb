/**
 * `store`: the spool copy of an accepted upload goes to `originals/<id>` in the primary (and the
 * mirror, best effort), verified, then the row says `stored`, the copies are recorded, and images
 * get their `variants` job. Safe to repeat at any point: an object that
 * is already there and verifies is not sent again, and a row already `stored` is left alone.
 */
import { ContentMismatchError } from '../../storage/object-store.ts';
import { StorageUnavailableError, StoredObjectMismatchError } from '../../storage/storage-errors.ts';
import type { JobContext, JobOutcome, MediaJobOf } from './job-context.ts';
import { recordCopies, storeInEveryStore, type StoredEverywhere } from './object-copies.ts';

export async function storeOriginal(job: MediaJobOf<'store'>, context: JobContext): Promise<JobOutcome> {
  const { mediaId, requestId } = job.data;
  const { rows, log } = context;
  const media = await rows.read.findById(mediaId);
  if (!media) {
    log.warn({ mediaId }, 'no media row: nothing to store');
    return 'no-row';
  }
  if (media.status !== 'spooled') {
    // A repeat after the row moved on (a crash after marking, the reconciler racing the API's job).
    if (media.status === 'stored' && media.variantsStatus === 'pending') await context.enqueue('variants', withRequestId(mediaId, requestId));
    return `already-${media.status}`;
  }
  await rows.write((repository) => repository.incrementStoreAttempts(mediaId, context.now()));

  // Every put follows a committed attempt count: with none before this one, no object can exist yet.
  const mayExist = media.storeAttempts > 0;
  let stored: StoredEverywhere;
  try {
    stored = await storeInEveryStore(context, {
      mediaId,
      key: media.originalKey,
      source: { path: context.spool.objectPath(mediaId) },
      put: { sha256: media.sha256, contentType: media.contentType, metadata: { 'media-id': mediaId } },
      sizeBytes: media.sizeBytes,
      mayExist,
    });
  } catch (error) {
    const reason = permanentFailureReason(error);
    if (reason === null) throw error;
    await rows.write((repository) => repository.markFailed(mediaId, reason, context.now()));
    log.error({ err: error, mediaId }, `media failed for good: ${reason}`);
    return 'failed';
  }
  const sent = stored.sentToPrimary;

  const marked = await rows.write((repository) => repository.markStored(mediaId, context.now()));
  // Recorded whatever the row says now: a purge of deleted media finds its objects by these too.
  await recordCopies(context, stored.copies);
  if (!marked) {
    // Deleted (or failed by another attempt) meanwhile: the object stays until the purge of deleted media removes it.
    log.warn({ mediaId }, 'original stored, but the row is no longer spooled; left as it is');
    return 'row-moved-on';
  }
  log.info({ mediaId, sizeBytes: media.sizeBytes, sent, stores: stored.copies.map((copy) => copy.store) }, sent ? 'original stored and verified' : 'original was already stored; verified again');
  if (media.kind === 'image') await context.enqueue('variants', withRequestId(mediaId, requestId));
  return sent ? 'stored' : 'verified-existing';
}

/**
 * The reason to record when retrying cannot help; null when it might (outages, a mismatch S3
 * may not repeat, a database error). Only the bytes on the spool or S3 refusing the object itself
 * are permanent.
 */
function permanentFailureReason(error: unknown): string | null {
  if (error instanceof StorageUnavailableError || error instanceof StoredObjectMismatchError) return null;
  if (error instanceof ContentMismatchError) return `the spool copy is damaged: ${error.message}`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'the spool copy is missing';
  const shape = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  const status = shape?.$metadata?.httpStatusCode;
  // BadDigest: the bytes changed on the way; sending them again is the cure.
  if (status !== undefined && status >= 400 && status < 500 && shape?.name !== 'BadDigest') return `S3 refused the object: ${shape?.name ?? status}`;
  return null;
}

function withRequestId(mediaId: string, requestId: string | undefined): { mediaId: string; requestId?: string } {
  return requestId === undefined ? { mediaId } : { mediaId, requestId };
}
