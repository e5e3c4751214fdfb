/**
 * What the scrubber, the catch-up and the purge need and what they report. Reports count what was
 * actually checked, store by store, so a pass that skipped a store says so instead of "done".
 */
import type { IncidentKind, IncidentOutcome, MediaIntegrityRepository, MediaStoreName, RepairSource } from '@chucar/domain';
import type { Logger } from '@chucar/platform';
import type { ObjectStore } from '../storage/object-store.ts';

/** Copies, incidents, lost and purged media, on the primary. */
export interface IntegrityRows {
  read: MediaIntegrityRepository;
  write<T>(work: (integrity: MediaIntegrityRepository) => Promise<T>): Promise<T>;
}

export type CheckPass = 'head' | 'full';

export interface IntegrityStores {
  primary: ObjectStore;
  mirror: ObjectStore | null;
}

export interface IntegritySettings {
  /** The HEAD pass looks at copies stored within this window, newest first. */
  windowMs: number;
  headMaxObjects: number;
  headConcurrency: number;
  /** The full pass's re-read rate over all stores. */
  fullBytesPerSecond: number;
  /** A scheduled full pass stops after this long (null: until every copy was re-read once). */
  fullRunMs: number | null;
  catchUpBatch: number;
  purgeRetentionMs: number;
  purgeBatch: number;
}

/** Metrics the work reports into (the worker's registry, or nothing in the CLI). */
export interface IntegrityMetrics {
  checked(store: MediaStoreName, pass: CheckPass, count: number): void;
  incident(kind: IncidentKind, store: MediaStoreName): void;
  resolved(outcome: IncidentOutcome, source: RepairSource | 'none'): void;
  caughtUp(store: MediaStoreName, count: number): void;
  purged(mediaCount: number, objectCount: number): void;
  /** A run ended; check passes also say how many objects they checked, how long it took and what they read. */
  passFinished(pass: CheckPass | 'catch-up' | 'purge', at: Date, summary?: { checked: number; durationMs: number; bytesRead: number }): void;
}

export const noIntegrityMetrics: IntegrityMetrics = {
  checked: () => undefined,
  incident: () => undefined,
  resolved: () => undefined,
  caughtUp: () => undefined,
  purged: () => undefined,
  passFinished: () => undefined,
};

export interface IntegrityDeps {
  stores: IntegrityStores;
  integrity: IntegrityRows;
  spool: { objectPath(mediaId: string): string };
  /** Queues the previews of a media again (a no-op when already queued); may fail (Redis away): the reconciler queues pending previews too. */
  enqueueVariants(mediaId: string): Promise<void>;
  now(): Date;
  log: Logger;
  metrics: IntegrityMetrics;
  settings: IntegritySettings;
}

export interface StoreCheckReport {
  store: MediaStoreName;
  /** `unavailable`: the store did not answer (at the start, or repeatedly during the pass); its objects were not all checked. */
  status: 'checked' | 'unavailable' | 'not-configured';
  /** Objects whose check got an answer (good or not). */
  checked: number;
  good: number;
  /** Checks that got no answer (the store failed mid-pass). */
  unanswered: number;
}

export interface IncidentReport {
  incidentId: number;
  mediaId: string;
  objectKey: string;
  store: MediaStoreName;
  kind: IncidentKind;
  outcome: IncidentOutcome;
  repairedFrom: RepairSource | null;
  detail: string;
}

export interface CheckPassReport {
  pass: CheckPass;
  startedAt: Date;
  durationMs: number;
  stores: StoreCheckReport[];
  checked: number;
  bytesRead: number;
  incidents: IncidentReport[];
}

export interface CatchUpReport {
  stores: { store: MediaStoreName; status: StoreCheckReport['status']; examined: number; alreadyThere: number; copied: number; noSource: number; failed: number }[];
}

export interface PurgeReport {
  status: 'done' | 'skipped-store-unavailable';
  purgedMedia: number;
  deletedObjects: number;
  failedDeletes: number;
}
