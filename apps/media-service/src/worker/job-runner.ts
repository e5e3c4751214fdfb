/**
 * How the worker runs one job: it holds the whole queue (instead of failing the job) while S3 is
 * out, records a store job's last failed attempt on its row, and times every outcome.
 */
import { Worker } from 'bullmq';
import { loggerForJob, type Logger } from '@chucar/platform';
import type { MediaQueue } from '../queue/index.ts';
import type { StorageAvailability } from '../storage/storage-availability.ts';
import { StorageUnavailableError, StoredObjectMismatchError } from '../storage/storage-errors.ts';
import { giveUpReason } from './give-up.ts';
import type { JobContext, JobProcessors, QueuedMediaJob } from './jobs/job-context.ts';
import { runMediaJob } from './jobs/processors.ts';
import type { WorkerMetrics } from './worker-metrics.ts';

export interface JobRunnerDeps {
  logger: Logger;
  processors: JobProcessors;
  /** Everything a processor gets except its job's own logger. */
  context: Omit<JobContext, 'log'>;
  queue: MediaQueue;
  storage: StorageAvailability;
  metrics: WorkerMetrics;
}

export type JobRunner = (job: QueuedMediaJob) => Promise<string>;

export function createJobRunner({ logger, processors, context, queue, storage, metrics }: JobRunnerDeps): JobRunner {
  /** Holds every worker of the queue for `holdMs` and puts this job back, its attempts untouched. */
  const holdQueue = async (holdMs: number): Promise<never> => {
    await queue.rateLimit(holdMs);
    throw Worker.RateLimitError();
  };

  return async function runJob(job) {
    const log = loggerForJob(logger, job);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const usesStorage = job.name !== 'reconcile';
    if (usesStorage && storage.state === 'down') {
      metrics.observeJob(job.name, 'held-for-storage', seconds());
      return holdQueue(storage.holdMs);
    }
    try {
      const outcome = await runMediaJob(processors, job, { ...context, log });
      if (usesStorage) storage.recordAvailable();
      metrics.observeJob(job.name, outcome, seconds());
      return outcome;
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        metrics.countStorageError('unavailable');
        metrics.observeJob(job.name, 'held-for-storage', seconds());
        const holdMs = storage.recordUnavailable(error);
        log.warn({ err: error, holdMs }, 'S3 unavailable: job put back, queue held');
        return holdQueue(holdMs);
      }
      if (error instanceof StoredObjectMismatchError) metrics.countStorageError('mismatch');
      // The last attempt: the row says why instead of waiting in `spooled` for the same round again.
      const reason = job.name === 'store' ? giveUpReason(error, job.attemptsMade + 1, job.opts.attempts ?? 1) : null;
      if (reason && 'mediaId' in job.data) {
        const { mediaId } = job.data;
        await context.rows
          .write((repository) => repository.markFailed(mediaId, reason, context.now()))
          .catch((markError: unknown) => log.warn({ err: markError }, 'could not record the failure; the reconciler retries the row'));
        metrics.observeJob(job.name, 'gave-up', seconds());
        log.error({ err: error, mediaId, attemptsMade: job.attemptsMade + 1 }, `media failed for good: ${reason}`);
        throw error;
      }
      metrics.observeJob(job.name, 'error', seconds());
      log.error({ err: error, attemptsMade: job.attemptsMade }, 'media job failed; BullMQ retries it with backoff');
      throw error;
    }
  };
}
