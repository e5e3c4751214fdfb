/**
 * The end of a deleted media: once deleted for longer than the retention window, its
 * row is marked purged first (from then on, the owner uploading the same bytes stores them
 * afresh), then its original and previews are deleted from every store, and each copy record goes
 * as its object does. Only rows still `deleted` are ever claimed. When a store is down the run
 * purges nothing, and a purge cut short is finished by a later run (its copies are still recorded).
 */
import { isStorageUnavailable } from '../storage/storage-errors.ts';
import type { IntegrityDeps, PurgeReport } from './integrity-types.ts';
import { unavailableStores } from './scrub-passes.ts';

export async function runPurge(deps: IntegrityDeps): Promise<PurgeReport> {
  const report: PurgeReport = { status: 'done', purgedMedia: 0, deletedObjects: 0, failedDeletes: 0 };
  const now = deps.now();
  const cutoff = new Date(now.getTime() - deps.settings.purgeRetentionMs);
  const candidates = await deps.integrity.read.listPurgeable(cutoff, deps.settings.purgeBatch);
  if (candidates.length === 0) return report;
  const unavailable = await unavailableStores(deps);
  if (unavailable.size > 0) {
    deps.log.warn({ stores: [...unavailable], waiting: candidates.length }, 'purge skipped: a store does not answer');
    return { ...report, status: 'skipped-store-unavailable' };
  }
  const stores = (['primary', 'mirror'] as const).flatMap((name) => (deps.stores[name] ? [{ name, objects: deps.stores[name] }] : []));
  for (const candidate of candidates) {
    const claimed = await deps.integrity.write((repository) => repository.claimPurge(candidate.mediaId, cutoff, deps.now()));
    if (!claimed) continue;
    let failed = 0;
    for (const key of candidate.objectKeys) {
      for (const store of stores) {
        try {
          await store.objects.deleteObject(key);
          await deps.integrity.write((repository) => repository.forgetPurgedCopy(store.name, key));
          report.deletedObjects += 1;
        } catch (error) {
          failed += 1;
          deps.log.error({ err: error, mediaId: candidate.mediaId, key, store: store.name, unavailable: isStorageUnavailable(error) }, 'purge: could not delete an object; a later run tries again');
        }
      }
    }
    report.failedDeletes += failed;
    if (failed === 0) report.purgedMedia += 1;
    deps.log.info({ mediaId: candidate.mediaId, deletedAt: candidate.deletedAt, keys: candidate.objectKeys, failed }, 'deleted media purged from the stores');
  }
  deps.metrics.purged(report.purgedMedia, report.deletedObjects);
  deps.metrics.passFinished('purge', deps.now());
  return report;
}
