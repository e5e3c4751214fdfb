/** The BullMQ worker on the `media` queue, on a blocking connection of its own; the supervisor recreates it. */
import { MetricsTime, Worker } from 'bullmq';
import { createRedis, type Logger } from '@chucar/platform';
import { MEDIA_QUEUE_NAME, type MediaJob, type MediaJobName } from '@chucar/contracts';
import type { MediaConfig } from '../config.ts';
import type { JobRunner } from './job-runner.ts';
import type { SupervisedWorker } from './worker-supervisor.ts';

/** Needed for a manual rate limit (queue.rateLimit) to hold the queue; the numbers themselves never bind. */
const limiterThatNeverBinds = { max: 100_000, duration: 1000 };

export function createBullWorker(config: MediaConfig, logger: Logger, runJob: JobRunner): SupervisedWorker {
  const connection = createRedis(config, 'worker', logger);
  const worker = new Worker<MediaJob['data'], string, MediaJobName>(MEDIA_QUEUE_NAME, runJob, {
    connection,
    prefix: config.MEDIA_QUEUE_PREFIX,
    concurrency: config.MEDIA_WORKER_CONCURRENCY,
    autorun: false,
    limiter: limiterThatNeverBinds,
    // A dead worker's job is handed out again once its lock lapses and the next stalled check runs.
    lockDuration: config.MEDIA_WORKER_LOCK_MS,
    stalledInterval: config.MEDIA_WORKER_LOCK_MS,
    // Retry fetching soon after Redis errors (the default waits 15 s).
    runRetryDelay: 1000,
    // Completions per minute in Redis: the stuck-queue watch judges every worker process by them.
    metrics: { maxDataPoints: MetricsTime.ONE_HOUR * 24 },
  });
  return { worker, connection };
}
