/**
 * One finding of the scrubber, from detection to its end: the incident row (or the one still open
 * for the same object), an error log and a metric, then the repair: the accepted bytes found again
 * (spool, else the other store) are put back and verified like any upload; a preview with no good
 * copy anywhere is made again from the original; an original with none is `lost`, loudly. When a
 * store needed for the repair is down, the incident stays open and the next pass tries again.
 */
import type { ExpectedObject, IncidentKind, MediaIncident, MediaStoreName } from '@chucar/domain';
import { isStorageUnavailable } from '../storage/storage-errors.ts';
import { findGoodCopy } from './good-copy.ts';
import type { CheckPass, IncidentReport, IntegrityDeps } from './integrity-types.ts';

export interface Finding {
  kind: IncidentKind;
  detail: string;
}

export interface FoundProblem {
  store: MediaStoreName;
  pass: CheckPass;
  objectKey: string;
  mediaId: string;
  lastVerifiedGoodAt: Date | null;
  finding: Finding;
}

/**
 * Returns null when the object is no longer expected (the media left `stored` since it was
 * listed). An original with no good copy anywhere comes back `open` with `lostPending`: the pass
 * declares it lost (declareLost) once it knows the store did not just look wiped.
 */
export async function handleFinding(deps: IntegrityDeps, problem: FoundProblem, unavailable: Set<MediaStoreName>): Promise<PendingIncident | null> {
  const { integrity, log, metrics } = deps;
  const expected = (await integrity.read.expectedObjects(problem.mediaId)).find((object) => object.objectKey === problem.objectKey);
  if (!expected) return null;
  const detectedAt = deps.now();
  const { incident, created } = await integrity.write((repository) =>
    repository.openIncident({
      mediaId: problem.mediaId,
      objectKey: problem.objectKey,
      store: problem.store,
      kind: problem.finding.kind,
      pass: problem.pass,
      lastVerifiedGoodAt: problem.lastVerifiedGoodAt,
      detectedAt,
      detail: problem.finding.detail,
    }),
  );
  if (created) metrics.incident(problem.finding.kind, problem.store);
  log.error(
    { incidentId: incident.id, mediaId: problem.mediaId, key: problem.objectKey, store: problem.store, kind: problem.finding.kind, pass: problem.pass, lastVerifiedGoodAt: problem.lastVerifiedGoodAt, detail: problem.finding.detail, repeated: !created },
    `media object ${problem.finding.kind} in the ${problem.store} store`,
  );
  return repair(deps, incident, expected, problem.store, unavailable);
}

export type PendingIncident = IncidentReport & { lostPending?: true };

async function repair(deps: IntegrityDeps, incident: MediaIncident, object: ExpectedObject, store: MediaStoreName, unavailable: Set<MediaStoreName>): Promise<PendingIncident> {
  const { integrity, log, metrics } = deps;
  const report = (outcome: IncidentReport['outcome'], repairedFrom: IncidentReport['repairedFrom'], detail: string): IncidentReport => ({
    incidentId: incident.id,
    mediaId: object.mediaId,
    objectKey: object.objectKey,
    store,
    kind: incident.kind,
    outcome,
    repairedFrom,
    detail,
  });
  const resolve = async (outcome: 'repaired' | 'unrepairable', from: IncidentReport['repairedFrom'], detail: string) => {
    await integrity.write((repository) => repository.resolveIncident(incident.id, outcome, deps.now(), from, detail));
    metrics.resolved(outcome, from ?? 'none');
    return report(outcome, from, detail);
  };
  const target = deps.stores[store];
  if (!target) return report('open', null, `${store} store not configured`);

  const good = await findGoodCopy(deps, object, store, unavailable);
  if (good.found) {
    try {
      await target.putVerified(object.objectKey, good.bytes, { sha256: object.sha256, contentType: object.contentType, metadata: { 'media-id': object.mediaId } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.error({ err: error, incidentId: incident.id, key: object.objectKey, store }, 'repair could not write the store; the next pass tries again');
      return report('open', null, `${isStorageUnavailable(error) ? 'store unavailable' : 'write failed'}: ${reason}`.slice(0, 300));
    }
    // putVerified HEADs what it wrote; the bytes were hashed against the database before sending.
    await integrity.write((repository) => repository.recordCopy({ store, objectKey: object.objectKey, mediaId: object.mediaId, sha256: object.sha256, sizeBytes: object.sizeBytes }, deps.now(), true));
    log.info({ incidentId: incident.id, key: object.objectKey, store, from: good.source }, 'media object restored and verified');
    return resolve('repaired', good.source, `restored from ${good.source}`);
  }
  if (good.uncertain) {
    log.error({ incidentId: incident.id, key: object.objectKey, store, tried: good.tried }, 'no good copy reachable right now; the incident stays open');
    return report('open', null, `no good copy reachable now: ${good.tried.join('; ')}`.slice(0, 300));
  }
  if (object.role === 'variant') {
    // A preview is derived data: made again from the verified original, then stored and verified by its job.
    await integrity.write((repository) => repository.resetVariants(object.mediaId, deps.now()));
    await deps.enqueueVariants(object.mediaId).catch((error: unknown) => log.warn({ err: error, mediaId: object.mediaId }, 'could not queue the previews; the reconciler will'));
    log.warn({ incidentId: incident.id, key: object.objectKey, store }, 'preview has no good copy anywhere: made again from the original');
    return resolve('repaired', 'regenerated', `no good copy (${good.tried.join('; ')}): previews made again from the original`);
  }
  const reason = `original ${object.objectKey} lost from the ${store} store with no good copy left (${good.tried.join('; ')})`;
  return { ...report('open', null, reason.slice(0, 300)), lostPending: true };
}

/** The original is gone from every store and the spool: the media is `lost`, loudly. */
export async function declareLost(deps: IntegrityDeps, pending: IncidentReport): Promise<IncidentReport> {
  const at = deps.now();
  await deps.integrity.write(async (repository) => {
    await repository.markLost(pending.mediaId, pending.detail, at);
    await repository.resolveIncident(pending.incidentId, 'unrepairable', at, null, pending.detail);
  });
  deps.metrics.resolved('unrepairable', 'none');
  deps.log.error({ incidentId: pending.incidentId, mediaId: pending.mediaId, key: pending.objectKey, store: pending.store, detail: pending.detail }, 'media LOST: no store and no spool copy holds the original; its owner must upload it again');
  return { ...pending, outcome: 'unrepairable', repairedFrom: null };
}
