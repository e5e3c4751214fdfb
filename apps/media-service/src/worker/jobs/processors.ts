import { UnrecoverableError } from 'bullmq';
import { MEDIA_JOB_NAMES, SCRUB_JOB_PASSES, type MediaJobData, type MediaJobName, type ScrubJobPass } from '../../queue/index.ts';
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

const mediaIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Job data comes back from Redis untyped: a malformed job fails at once rather than retrying. */
function perMediaData(job: QueuedMediaJob): MediaJobData {
  const data: object = job.data;
  const mediaId = 'mediaId' in data ? data.mediaId : undefined;
  const requestId = 'requestId' in data ? data.requestId : undefined;
  if (typeof mediaId !== 'string' || !mediaIdPattern.test(mediaId)) throw new UnrecoverableError(`job ${job.id}: mediaId is not a media id`);
  if (requestId !== undefined && typeof requestId !== 'string') throw new UnrecoverableError(`job ${job.id}: requestId is not a string`);
  return requestId === undefined ? { mediaId } : { mediaId, requestId };
}

function scrubData(job: QueuedMediaJob): { pass: ScrubJobPass } {
  const data: object = job.data;
  const pass = 'pass' in data ? data.pass : undefined;
  if (!(SCRUB_JOB_PASSES as readonly unknown[]).includes(pass)) throw new UnrecoverableError(`job ${job.id}: pass is not one of ${SCRUB_JOB_PASSES.join(', ')}`);
  return { pass: pass as ScrubJobPass };
}

function jobOf<N extends MediaJobName>(job: QueuedMediaJob, name: N, data: MediaJobOf<N>['data']): MediaJobOf<N> {
  return { name, id: job.id, data, attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 };
}

/** Runs the processor of the job's name with its checked data. */
export function runMediaJob(processors: JobProcessors, job: QueuedMediaJob, context: JobContext): Promise<JobOutcome> {
  switch (job.name) {
    case 'store':
      return processors.store(jobOf(job, 'store', perMediaData(job)), context);
    case 'variants':
      return processors.variants(jobOf(job, 'variants', perMediaData(job)), context);
    case 'reconcile':
      return processors.reconcile(jobOf(job, 'reconcile', {}), context);
    case 'scrub':
      return processors.scrub(jobOf(job, 'scrub', scrubData(job)), context);
    case 'purge':
      return processors.purge(jobOf(job, 'purge', {}), context);
    default:
      throw new UnrecoverableError(`no processor for job ${String(job.name)}`);
  }
}
