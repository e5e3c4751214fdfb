/**
 * `reconcile` (a job scheduler, every MEDIA_RECONCILE_INTERVAL_MS): the database is the source of
 * truth, Redis only holds work in flight. Rows left waiting (spooled, or stored with previews
 * pending) are queued again under their usual job ids, which is a no-op for those still queued and
 * recovers those a Redis restart or flush lost. It also removes spool copies past their retention.
 */
import { opendir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isMediaId, type Media } from '@chucar/domain';
import type { JobContext, JobOutcome, MediaJobOf } from './job-context.ts';

const dayMs = 24 * 60 * 60 * 1000;

export async function reconcile(_job: MediaJobOf<'reconcile'>, context: JobContext): Promise<JobOutcome> {
  const { rows, settings, log } = context;
  const now = context.now();
  const stuck = await rows.read.listStuck(new Date(now.getTime() - settings.reconcileGraceMs), settings.reconcileBatchSize);
  let store = 0;
  let variants = 0;
  for (const media of stuck) {
    if (media.status === 'spooled') {
      await context.enqueue('store', { mediaId: media.id });
      store += 1;
    } else if (media.status === 'stored' && media.variantsStatus === 'pending') {
      await context.enqueue('variants', { mediaId: media.id });
      variants += 1;
    }
  }
  const removed = await removeExpiredSpoolCopies(context, now);
  if (store + variants + removed > 0) log.info({ requeuedStore: store, requeuedVariants: variants, spoolCopiesRemoved: removed }, 'reconciled media rows with the queue');
  // The outcome labels a metric: the counts stay in the log line above.
  return 'reconciled';
}

/**
 * A spool copy goes once its media has been stored (or deleted) for the retention window. Copies
 * of failed media stay (they are the only copy). A file with no row at all is an upload that died
 * between its fsync and its row's commit: nothing refers to it, and it goes after the same window.
 */
async function removeExpiredSpoolCopies(context: JobContext, now: Date): Promise<number> {
  const cutoffMs = now.getTime() - context.settings.spoolRetentionDays * dayMs;
  const expired = (media: Media | undefined) => {
    if (!media) return true;
    if (media.status === 'stored') return media.storedAt !== null && media.storedAt.getTime() <= cutoffMs;
    if (media.status === 'deleted') return (media.storedAt ?? media.deletedAt ?? now).getTime() <= cutoffMs;
    return false;
  };
  let examined = 0;
  let removed = 0;
  for await (const entry of await opendir(context.spool.objectsDir)) {
    if (examined >= context.settings.reconcileBatchSize) break;
    if (!entry.isFile() || !isMediaId(entry.name)) continue;
    const filePath = path.join(context.spool.objectsDir, entry.name);
    // Young files need no database lookup: nothing younger than the window can be due. A file
    // gone since the listing (intake discarding a duplicate) is simply skipped.
    const stats = await stat(filePath).catch(() => undefined);
    if (!stats || stats.mtimeMs > cutoffMs) continue;
    examined += 1;
    if (expired(await context.rows.read.findById(entry.name))) {
      await rm(filePath, { force: true });
      removed += 1;
    }
  }
  return removed;
}
