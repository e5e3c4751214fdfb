/**
 * The media queue's contract, shared by the API (producer) and the worker: the queue's name, the
 * typed union of its jobs, and the job ids that make enqueueing the same work twice harmless.
 */
import type { JobsOptions } from 'bullmq';

export const MEDIA_QUEUE_NAME = 'media';

/** Jobs that concern one media row; `requestId` carries the gateway's request id into the job's logs. */
export interface MediaJobData {
  mediaId: string;
  requestId?: string;
}

/** Which scrub work a `scrub` job does: the HEAD pass, the full re-read, the mirror's catch-up. */
export const SCRUB_JOB_PASSES = ['head', 'full', 'catch-up'] as const;
export type ScrubJobPass = (typeof SCRUB_JOB_PASSES)[number];

export type MediaJob =
  | { name: 'store'; data: MediaJobData }
  | { name: 'variants'; data: MediaJobData }
  | { name: 'reconcile'; data: Record<string, never> }
  | { name: 'scrub'; data: { pass: ScrubJobPass } }
  | { name: 'purge'; data: Record<string, never> };

export type MediaJobName = MediaJob['name'];
export type MediaJobDataOf<N extends MediaJobName> = Extract<MediaJob, { name: N }>['data'];
/** The jobs that act on one media row, hence have one job id per row. */
export type PerMediaJobName = Exclude<MediaJobName, 'reconcile' | 'scrub' | 'purge'>;

/** Every job name, for the worker's start-up check that each has a handler. */
export const MEDIA_JOB_NAMES = ['store', 'variants', 'reconcile', 'scrub', 'purge'] as const satisfies readonly MediaJobName[];
// Fails to compile if a job is added to the union but not to the list above.
const everyJobNameListed: MediaJobName extends (typeof MEDIA_JOB_NAMES)[number] ? true : never = true;
void everyJobNameListed;

const mediaIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `store-<mediaId>`: BullMQ ignores an add whose job id already exists, so the API, a retry and the
 * reconciler can all enqueue the same row. BullMQ refuses ':' in ids, hence the dash.
 */
export function jobIdFor(name: PerMediaJobName, mediaId: string): string {
  if (!mediaIdPattern.test(mediaId)) throw new Error(`a media id is a lowercase UUID, got ${JSON.stringify(mediaId)}`);
  return `${name}-${mediaId}`;
}

/**
 * Finished jobs are removed, failed ones too: a kept job would hold its id, and the reconciler's
 * later add of the same id (the row still says `spooled`) would be silently ignored. The row, not
 * the job, records why a media failed.
 */
export const MEDIA_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: true,
} as const satisfies JobsOptions;
