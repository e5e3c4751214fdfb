/**
 * The catch-up: objects stored media must have but that a store has no recorded copy of (the
 * mirror was down or not configured yet when they were written, or a worker died between its put
 * and its record). Each is HEADed there first; absent or different, it is copied from the spool or
 * the other store, verified, and recorded. A copy that was never written is not an incident.
 */
import type { MediaStoreName } from '@chucar/domain';
import { isStorageUnavailable } from '../storage/storage-errors.ts';
import { findGoodCopy } from './good-copy.ts';
import type { CatchUpReport, IntegrityDeps } from './integrity-types.ts';
import { unavailableStores } from './scrub-passes.ts';

export async function runCatchUp(deps: IntegrityDeps, options: { batch?: number } = {}): Promise<CatchUpReport> {
  const unavailable = await unavailableStores(deps);
  const report: CatchUpReport = { stores: [] };
  for (const name of ['mirror', 'primary'] as const) {
    const store = deps.stores[name];
    const entry = { store: name as MediaStoreName, status: 'checked' as CatchUpReport['stores'][number]['status'], examined: 0, alreadyThere: 0, copied: 0, noSource: 0, failed: 0 };
    report.stores.push(entry);
    if (!store) {
      entry.status = 'not-configured';
      continue;
    }
    if (unavailable.has(name)) {
      entry.status = 'unavailable';
      continue;
    }
    const missing = await deps.integrity.read.listUncopied(name, options.batch ?? deps.settings.catchUpBatch);
    for (const object of missing) {
      entry.examined += 1;
      try {
        const outcome = await store.verifyStoredObject(object.objectKey, object).catch((error: unknown) => {
          if (isStorageUnavailable(error)) throw error;
          return 'different' as const;
        });
        if (outcome === 'verified') {
          entry.alreadyThere += 1;
        } else {
          const good = await findGoodCopy(deps, object, name, unavailable);
          if (!good.found) {
            // The other store's own scrub deals with an object it lacks too.
            entry.noSource += 1;
            deps.log.warn({ store: name, key: object.objectKey, tried: good.tried }, 'catch-up: no good copy to copy from');
            continue;
          }
          await store.putVerified(object.objectKey, good.bytes, { sha256: object.sha256, contentType: object.contentType, metadata: { 'media-id': object.mediaId } });
          entry.copied += 1;
        }
        await deps.integrity.write((repository) => repository.recordCopy({ store: name, objectKey: object.objectKey, mediaId: object.mediaId, sha256: object.sha256, sizeBytes: object.sizeBytes }, deps.now(), false));
      } catch (error) {
        entry.failed += 1;
        if (isStorageUnavailable(error)) {
          entry.status = 'unavailable';
          deps.log.warn({ err: error, store: name }, 'catch-up: the store stopped answering; the rest waits for the next run');
          break;
        }
        deps.log.error({ err: error, store: name, key: object.objectKey }, 'catch-up: copy failed');
      }
    }
    deps.metrics.caughtUp(name, entry.copied + entry.alreadyThere);
  }
  deps.metrics.passFinished('catch-up', deps.now());
  const moved = report.stores.filter((entry) => entry.examined > 0 || entry.status === 'unavailable');
  if (moved.length > 0) deps.log.info({ stores: report.stores }, 'catch-up finished');
  return report;
}
