import { UnrecoverableError } from 'bullmq';
import { MEDIA_JOB_NAMES, isMediaJobData, mediaJobDataIssue, type MediaJobDataOf, type MediaJobName } from '@chucar/contracts';
import type { JobContext, JobOutcome, JobProcessors, MediaJobOf, QueuedMediaJob } from './job-context.ts';
import { purgeDeleted, scrub } from './integrity.ts';
import { reconcile } from './reconcile.ts';
import { storeOriginal } from './store.ts';
import { makeVariants } from './variants.ts';

export const mediaJobProcessors: JobProcessors = { store: storeOriginal, variants: makeVariants, reconcile, scrub, purge: purgeDeleted };

/** The start-up check: a worker that would leave some job name unprocessed refuses to start. */
export function assertEveryJobHasProcessor(processors: Partial<Record<MediaJobName, unknown>>): void {
  const missing = MEDIA_JOB_NAMES.filter((name) => typeof processors[name] !== 'function');
  if (missing.length > 0) throw new Error(`media worker: no processor for job ${missing.join(', ')}`);
}

/** What running a job reads of it: BullMQ's job, or a plain object in a test. */
type ReceivedJob = Pick<QueuedMediaJob, 'id' | 'name' | 'data' | 'attemptsMade' | 'opts'>;

/** Job data comes back from Redis untyped: a malformed job fails at once rather than retrying. */
export function checkedJobData<N extends MediaJobName>(job: ReceivedJob, name: N): MediaJobDataOf<N> {
  const data: unknown = job.data;
  if (!isMediaJobData(name, data)) throw new UnrecoverableError(`job ${job.id}: ${mediaJobDataIssue(name, data)}`);
  return data;
}

function jobOf<N extends MediaJobName>(job: ReceivedJob, name: N, data: MediaJobOf<N>['data']): MediaJobOf<N> {
  return { name, id: job.id, data, attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 };
}

/** Runs the processor of the job's name with its checked data. */
export function runMediaJob(processors: JobProcessors, job: ReceivedJob, context: JobContext): Promise<JobOutcome> {
  switch (job.name) {
    case 'store':
      return processors.store(jobOf(job, 'store', checkedJobData(job, 'store')), context);
    case 'variants':
      return processors.variants(jobOf(job, 'variants', checkedJobData(job, 'variants')), context);
    case 'reconcile':
      return processors.reconcile(jobOf(job, 'reconcile', {}), context);
    case 'scrub':
      return processors.scrub(jobOf(job, 'scrub', checkedJobData(job, 'scrub')), context);
    case 'purge':
      return processors.purge(jobOf(job, 'purge', {}), context);
    default:
      throw new UnrecoverableError(`no processor for job ${String(job.name)}`);
  }
}
