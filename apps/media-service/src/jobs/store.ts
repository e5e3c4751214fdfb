/**
 * `store`: the spool copy of an accepted upload goes to `originals/<id>`, verified, then the row
 * says `stored` and images get their `variants` job. Safe to repeat at any point: an object that
 * is already there and verifies is not sent again, and a row already `stored` is left alone.
 */
import { ContentMismatchError } from '../storage/object-store.ts';
import { StorageUnavailableError, StoredObjectMismatchError } from '../storage/storage-errors.ts';
import type { JobContext, JobOutcome, MediaJobOf } from './job-context.ts';

export async function storeOriginal(job: MediaJobOf<'store'>, context: JobContext): Promise<JobOutcome> {
  const { mediaId, requestId } = job.data;
  const { rows, objects, log } = context;
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

  const expected = { sizeBytes: media.sizeBytes, sha256: media.sha256 };
  // Every put follows a committed attempt count: with none before this one, no object can exist yet.
  const mayExist = media.storeAttempts > 0;
  let sent = false;
  try {
    if (!mayExist || !(await presentAndVerified(context, media.originalKey, expected))) {
      await objects.putVerified(media.originalKey, { path: context.spool.objectPath(mediaId) }, { sha256: media.sha256, contentType: media.contentType, metadata: { 'media-id': mediaId } });
      sent = true;
    }
  } catch (error) {
    const reason = permanentFailureReason(error);
    if (reason === null) throw error;
    await rows.write((repository) => repository.markFailed(mediaId, reason, context.now()));
    log.error({ err: error, mediaId }, `media failed for good: ${reason}`);
    return 'failed';
  }

  const marked = await rows.write((repository) => repository.markStored(mediaId, context.now()));
  if (!marked) {
    // Deleted (or failed by another attempt) meanwhile: the object stays for part 2's retention sweep.
    log.warn({ mediaId }, 'original stored, but the row is no longer spooled; left as it is');
    return 'row-moved-on';
  }
  log.info({ mediaId, sizeBytes: media.sizeBytes, sent }, sent ? 'original stored and verified' : 'original was already stored; verified again');
  if (media.kind === 'image') await context.enqueue('variants', withRequestId(mediaId, requestId));
  return sent ? 'stored' : 'verified-existing';
}

/** true when S3 already holds the original as accepted; false when it must be (re)sent. */
async function presentAndVerified(context: JobContext, key: string, expected: { sizeBytes: number; sha256: string }): Promise<boolean> {
  try {
    return (await context.objects.verifyStoredObject(key, expected)) === 'verified';
  } catch (error) {
    // A different object under the key (an interrupted earlier attempt): the put overwrites it.
    if (error instanceof StoredObjectMismatchError) return false;
    throw error;
  }
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
