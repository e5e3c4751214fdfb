/**
 * How the media queue holds its jobs, for the API (producer) and the worker alike: the job ids that
 * make enqueueing the same work twice harmless, and the retry and removal options. The jobs
 * themselves (names and data) are the shared contract in `@chucar/contracts`.
 */
import type { JobsOptions } from 'bullmq';
import type { PerMediaJobName } from '@chucar/contracts';
import { isMediaId } from '@chucar/domain';

/**
 * `store-<mediaId>`: BullMQ ignores an add whose job id already exists, so the API, a retry and the
 * reconciler can all enqueue the same row. BullMQ refuses ':' in ids, hence the dash.
 */
export function jobIdFor(name: PerMediaJobName, mediaId: string): string {
  if (!isMediaId(mediaId)) throw new Error(`a media id is a lowercase UUID, got ${JSON.stringify(mediaId)}`);
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
