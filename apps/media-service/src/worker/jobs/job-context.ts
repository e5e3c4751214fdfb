import type { Job } from 'bullmq';
import type { MediaRepository } from '@chucar/domain';
import type { Logger } from '@chucar/platform';
import type { MediaJob, MediaJobDataOf, MediaJobName, PerMediaJobName } from '@chucar/contracts';
import type { IntegrityRows } from '../../integrity/integrity-types.ts';
import type { IntegrityWork } from '../../integrity/integrity-work.ts';
import type { MirrorGate } from '../../storage/media-stores.ts';
import type { ObjectStore } from '../../storage/object-store.ts';

/** Media rows on the primary: the worker must see what the API just committed, never a lagging replica. */
export interface MediaRows {
  read: MediaRepository;
  /** One transaction through the kit's unit of work. */
  write<T>(work: (media: MediaRepository) => Promise<T>): Promise<T>;
}

/** The mirror as the store and variants jobs write to it: best effort, behind its gate. */
export interface MirrorTarget {
  objects: ObjectStore;
  gate: MirrorGate;
}

export interface JobSettings {
  /** Images with more pixels get no previews (intake refuses them already; a row inserted otherwise might not). */
  maxPixels: number;
  /** Days a stored original's spool copy is kept (repair and the mirror's catch-up restore from it). */
  spoolRetentionDays: number;
  /** A row untouched for this long is re-enqueued by the reconciler. */
  reconcileGraceMs: number;
  /** Rows re-enqueued, and spool files examined, per reconcile run. */
  reconcileBatchSize: number;
}

/** What every processor gets besides its job: no processor opens a connection of its own. */
export interface JobContext {
  log: Logger;
  rows: MediaRows;
  objects: ObjectStore;
  spool: { readonly objectsDir: string; objectPath(mediaId: string): string };
  /** Adds a per-media job under its derived id (a no-op when it is already queued). */
  enqueue<N extends PerMediaJobName>(name: N, data: MediaJobDataOf<N>): Promise<void>;
  now(): Date;
  settings: JobSettings;
  /** The mirror, when one is configured: every original and preview is also written there. */
  mirror?: MirrorTarget;
  /** Where verified copies are recorded (the scrubber's and the catch-up's ledger). */
  integrity?: IntegrityRows;
  /** The scrub passes, the mirror's catch-up and the purge, for their scheduled jobs. */
  integrityWork?: IntegrityWork;
}

/** What a processor sees of its job: the data (checked when it left Redis) and where its attempts stand. */
export interface MediaJobOf<N extends MediaJobName> {
  name: N;
  id: string | undefined;
  data: MediaJobDataOf<N>;
  /** Attempts that failed before this one. */
  attemptsMade: number;
  maxAttempts: number;
}

/** What a processor did, for logs and the job-outcome metric. */
export type JobOutcome = string;

export type JobProcessor<N extends MediaJobName> = (job: MediaJobOf<N>, context: JobContext) => Promise<JobOutcome>;

/** One processor per job name; the mapped type makes a missing one a compile error. */
export type JobProcessors = { [N in MediaJobName]: JobProcessor<N> };

/** A job as BullMQ hands it to the worker. */
export type QueuedMediaJob = Job<MediaJob['data'], unknown, MediaJobName>;
