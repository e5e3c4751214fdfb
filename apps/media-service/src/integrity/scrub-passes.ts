/**
 * The two scrub passes over recorded copies, store by store:
 * - `head`: copies stored within the window, newest first (recent uploads are the most at risk),
 *   each HEADed for existence, size and the SHA-256 in its metadata;
 * - `full`: the rolling pass, copies re-hashed longest ago first, each re-read and hashed at a paced
 *   rate, until every copy was re-read since the pass began or its time is up.
 * A store that does not answer is skipped and reported as such: an outage is never taken for a
 * missing object, and a pass never claims to have checked what it did not.
 */
import type { MediaStoreName, ObjectCopy } from '@chucar/domain';
import type { ObjectStore } from '../storage/object-store.ts';
import { isStorageUnavailable } from '../storage/storage-errors.ts';
import { createBytePace, type BytePace } from './byte-rate.ts';
import type { CheckPass, CheckPassReport, IncidentReport, IntegrityDeps, StoreCheckReport } from './integrity-types.ts';
import { declareLost, handleFinding, type Finding, type PendingIncident } from './repair.ts';

/** Checks in a row that get no answer before a store is given up for the rest of the pass. */
const unansweredBeforeGivingUp = 3;
const fullPassBatch = 200;
const verifiedBatch = 500;
/** Past this share missing (of at least `massLossMinimum` checked), a store looks wiped or misconfigured. */
const massLossShare = 0.5;
const massLossMinimum = 20;

export interface CheckPassOptions {
  /** The HEAD pass's window (default: the settings'). */
  windowMs?: number;
  /** At most this many copies per store. */
  maxObjects?: number;
  /** The full pass stops after this long (null: no limit). */
  runMs?: number | null;
  bytesPerSecond?: number;
}

export async function runCheckPass(deps: IntegrityDeps, pass: CheckPass, options: CheckPassOptions = {}): Promise<CheckPassReport> {
  const startedAt = deps.now();
  const started = performance.now();
  const pace = createBytePace(options.bytesPerSecond ?? deps.settings.fullBytesPerSecond);
  const deadline = pass === 'full' ? deadlineOf(options.runMs === undefined ? deps.settings.fullRunMs : options.runMs) : null;
  // No bucket probe up front (on s3rver a HeadBucket lists the bucket: a third of a second per
  // thousand objects). A store is given up when its checks go unanswered, and the first "missing"
  // in a store is confirmed by a probe, so a missing bucket is never taken for missing objects.
  const unavailable = new Set<MediaStoreName>();
  const incidents: IncidentReport[] = [];
  const stores: StoreCheckReport[] = [];
  for (const name of ['primary', 'mirror'] as const) {
    const store = deps.stores[name];
    if (!store) {
      if (name === 'mirror') stores.push({ store: name, status: 'not-configured', checked: 0, good: 0, unanswered: 0 });
      continue;
    }
    const report = await checkStore(deps, { name, store, pass, startedAt, pace, deadline, options, unavailable, incidents });
    if (report.status === 'unavailable') unavailable.add(name);
    stores.push(report);
    deps.metrics.checked(name, pass, report.checked);
  }
  const checked = stores.reduce((sum, store) => sum + store.checked, 0);
  const report: CheckPassReport = { pass, startedAt, durationMs: Math.round(performance.now() - started), stores, checked, bytesRead: pace.bytesTaken, incidents };
  deps.metrics.passFinished(pass, deps.now(), { checked, durationMs: report.durationMs, bytesRead: report.bytesRead });
  const summary = { pass, checked, stores: stores.map(({ store, status, checked: count, good, unanswered }) => ({ store, status, checked: count, good, unanswered })), incidents: incidents.length, bytesRead: report.bytesRead, durationMs: report.durationMs };
  if (incidents.some((incident) => incident.outcome !== 'repaired') || stores.some((store) => store.status === 'unavailable')) deps.log.error(summary, 'scrub pass finished with problems left');
  else deps.log.info(summary, 'scrub pass finished');
  return report;
}

interface StoreRun {
  name: MediaStoreName;
  store: ObjectStore;
  pass: CheckPass;
  startedAt: Date;
  pace: BytePace;
  deadline: number | null;
  options: CheckPassOptions;
  unavailable: Set<MediaStoreName>;
  incidents: IncidentReport[];
}

async function checkStore(deps: IntegrityDeps, run: StoreRun): Promise<StoreCheckReport> {
  const report: StoreCheckReport = { store: run.name, status: 'checked', checked: 0, good: 0, unanswered: 0 };
  let unansweredInARow = 0;
  let missing = 0;
  const lostPending: PendingIncident[] = [];
  let bucketConfirmed: Promise<boolean> | null = null;
  const bucketAnswers = () => (bucketConfirmed ??= run.store.probeBucket().then(() => true, () => false));
  // Good checks are recorded in batches: one statement per batch, not one transaction per object.
  const verifiedKeys: string[] = [];
  const flushVerified = async () => {
    if (verifiedKeys.length === 0) return;
    const keys = verifiedKeys.splice(0);
    await deps.integrity.write((repository) => (run.pass === 'full' ? repository.markRehashed(run.name, keys, deps.now()) : repository.markVerified(run.name, keys, deps.now())));
  };

  const checkOne = async (copy: ObjectCopy) => {
    if (report.status === 'unavailable') return;
    let finding: Finding | null;
    try {
      finding = run.pass === 'head' ? await headCheck(run.store, copy) : await rehashCheck(run.store, copy, run.pace);
    } catch (error) {
      if (!isStorageUnavailable(error)) throw error;
      report.unanswered += 1;
      unansweredInARow += 1;
      if (unansweredInARow >= unansweredBeforeGivingUp) {
        report.status = 'unavailable';
        deps.log.error({ err: error, store: run.name, pass: run.pass }, `scrub: the ${run.name} store stopped answering; the rest of its objects wait for the next pass`);
      }
      return;
    }
    unansweredInARow = 0;
    if (finding?.kind === 'missing' && !(await bucketAnswers())) {
      // Another lane may have given the store up while this one waited on the probe.
      if ((report.status as StoreCheckReport['status']) !== 'unavailable') deps.log.error({ store: run.name, pass: run.pass }, `scrub: the ${run.name} store's bucket does not answer; its objects are not checked this pass`);
      report.status = 'unavailable';
      report.unanswered += 1;
      return;
    }
    report.checked += 1;
    if (finding === null) {
      report.good += 1;
      verifiedKeys.push(copy.objectKey);
      if (verifiedKeys.length >= verifiedBatch) await flushVerified();
      return;
    }
    if (finding.kind === 'missing') missing += 1;
    const incident = await handleFinding(
      deps,
      { store: run.name, pass: run.pass, objectKey: copy.objectKey, mediaId: copy.mediaId, lastVerifiedGoodAt: copy.verifiedAt, finding },
      run.unavailable,
    );
    if (incident?.lostPending) lostPending.push(incident);
    else if (incident) run.incidents.push(incident);
  };

  if (run.pass === 'head') {
    const since = new Date(run.startedAt.getTime() - (run.options.windowMs ?? deps.settings.windowMs));
    const copies = await deps.integrity.read.listNewestCopies(run.name, since, run.options.maxObjects ?? deps.settings.headMaxObjects);
    await inParallel(copies, deps.settings.headConcurrency, checkOne);
  } else {
    const seen = new Set<string>();
    const maxObjects = run.options.maxObjects ?? Number.POSITIVE_INFINITY;
    while (report.status === 'checked' && seen.size < maxObjects && !pastDeadline(run.deadline)) {
      // Recorded first, so the next batch does not list them again.
      await flushVerified();
      const batch = (await deps.integrity.read.listLeastRecentlyRehashed(run.name, run.startedAt, fullPassBatch)).filter((copy) => !seen.has(copy.objectKey));
      if (batch.length === 0) break;
      for (const copy of batch) {
        if (seen.size >= maxObjects || pastDeadline(run.deadline) || report.status !== 'checked') break;
        seen.add(copy.objectKey);
        await checkOne(copy);
      }
    }
  }
  await flushVerified();
  // Declared only now, with the whole pass in view: a store where most of what was checked is
  // missing looks wiped or pointed at the wrong bucket, and is no evidence that media is lost.
  const looksWiped = report.checked >= massLossMinimum && missing / report.checked > massLossShare;
  if (looksWiped && lostPending.length > 0) {
    deps.log.error({ store: run.name, pass: run.pass, checked: report.checked, missing, withNoGoodCopy: lostPending.length }, `most of what this pass checked is missing from the ${run.name} store: nothing declared lost on that evidence; check its configuration (the incidents stay open)`);
  }
  for (const pending of lostPending) {
    const { lostPending: _pending, ...incident } = pending;
    run.incidents.push(looksWiped ? { ...incident, detail: `not declared lost, the store looks wiped or misconfigured: ${incident.detail}`.slice(0, 300) } : await declareLost(deps, incident));
  }
  return report;
}

async function headCheck(store: ObjectStore, copy: ObjectCopy): Promise<Finding | null> {
  const found = await store.inspectObject(copy.objectKey);
  if (!found) return { kind: 'missing', detail: 'HEAD: no such object' };
  if (found.sizeBytes !== copy.sizeBytes) return { kind: 'size', detail: `HEAD: ${found.sizeBytes} bytes instead of ${copy.sizeBytes}` };
  if (found.metadataSha256 !== copy.sha256) return { kind: 'changed', detail: `HEAD: sha256 metadata ${found.metadataSha256 ?? 'absent'} instead of ${copy.sha256}` };
  return null;
}

async function rehashCheck(store: ObjectStore, copy: ObjectCopy, pace: BytePace): Promise<Finding | null> {
  const read = await store.rehashObject(copy.objectKey, (bytes) => pace.take(bytes));
  if (!read) return { kind: 'missing', detail: 'GET: no such object' };
  if (read.sizeBytes !== copy.sizeBytes) return { kind: 'size', detail: `re-read ${read.sizeBytes} bytes instead of ${copy.sizeBytes}` };
  if (read.sha256 !== copy.sha256) return { kind: 'changed', detail: `re-read SHA-256 ${read.sha256} instead of ${copy.sha256}` };
  return null;
}

/** Stores whose bucket does not answer right now (a store not configured is not listed). */
export async function unavailableStores(deps: Pick<IntegrityDeps, 'stores'>): Promise<Set<MediaStoreName>> {
  const unavailable = new Set<MediaStoreName>();
  await Promise.all(
    (['primary', 'mirror'] as const).map(async (name) => {
      const store = deps.stores[name];
      if (store) await store.probeBucket().catch(() => unavailable.add(name));
    }),
  );
  return unavailable;
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

const deadlineOf = (runMs: number | null) => (runMs === null ? null : performance.now() + runMs);
const pastDeadline = (deadline: number | null) => deadline !== null && performance.now() >= deadline;
