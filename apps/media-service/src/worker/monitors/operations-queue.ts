/**
 * Scheduled operator work on its own BullMQ queue, `media-ops`, with one job at a time: an orphan
 * run lists whole buckets, and on the media queue it would hold a worker slot that an upload's
 * `store` needs. The schedule is a BullMQ job scheduler (upsertJobScheduler), put back on every
 * check like the reconcile one, since a Redis that lost everything lost it too.
 *
 * MEDIA_ORPHAN_SCHEDULE defaults to `report`: the run counts orphans (media_orphan_objects, a log
 * line) and moves nothing. Moving is `sweep`, chosen by an operator once the reports look right: a
 * database restored from an older backup, or a worker pointed at the wrong bucket, makes live
 * objects look orphaned, and only a person can tell that from leftovers.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { createPeriodicTask, type Logger } from '@chucar/platform';
import type { OrphanMode, OrphanSweepReport } from '../../integrity/orphan-sweep.ts';
import { withRedisTimeout } from '../../queue/redis-timeout.ts';

export const OPERATIONS_QUEUE_NAME = 'media-ops';
export const ORPHAN_SCHEDULER_ID = 'orphan-sweep';

type OperationsJobData = { mode: OrphanMode };

export interface OperationsQueueOptions {
  /** The producer-side connection (fails fast); the queue does not close it. */
  connection: Redis;
  /** A new blocking connection for the worker; closed with it. */
  createWorkerConnection(): Redis;
  prefix: string;
  schedule: 'off' | OrphanMode;
  intervalMs: number;
  runOrphans(mode: OrphanMode): Promise<OrphanSweepReport>;
  log: Logger;
  /** How long Redis gets to answer a schedule change. */
  timeoutMs: number;
  /** Where the schedule keeper's periodic_task_runs_total goes, if anywhere. */
  registry?: Registry;
}

export interface OperationsQueue {
  queue: Queue<OperationsJobData>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function createOperationsQueue(options: OperationsQueueOptions): OperationsQueue {
  const queue = new Queue<OperationsJobData>(OPERATIONS_QUEUE_NAME, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: 20, removeOnFail: 50 },
  });
  queue.on('error', (error) => options.log.warn({ err: error }, 'media-ops queue error'));
  let worker: Worker<OperationsJobData> | null = null;
  let workerConnection: Redis | null = null;

  const ensureSchedule = async () => {
    if (options.schedule === 'off') await withRedisTimeout(queue.removeJobScheduler(ORPHAN_SCHEDULER_ID), options.timeoutMs, 'removing the orphan schedule');
    else await withRedisTimeout(queue.upsertJobScheduler(ORPHAN_SCHEDULER_ID, { every: options.intervalMs }, { name: 'orphans', data: { mode: options.schedule } }), options.timeoutMs, 'ensuring the orphan schedule');
  };
  // Checked at least every ten minutes, however rare the runs, so a flushed Redis gets it back soon.
  const scheduleKeeper = createPeriodicTask({
    name: 'media_orphan_schedule_keeper',
    intervalMs: Math.min(options.intervalMs, 10 * 60_000),
    runAtStart: true,
    run: ensureSchedule,
    logger: options.log,
    ...(options.registry ? { registry: options.registry } : {}),
  });

  const run = async (job: Job<OperationsJobData>) => {
    const mode: OrphanMode = job.data.mode === 'sweep' ? 'sweep' : 'report';
    const report = await options.runOrphans(mode);
    const summary = report.stores.map(({ store, mediaObjects, orphans, orphansInGrace, tombstoned, purged, refused, errors }) => ({ store, mediaObjects, orphans, orphansInGrace, tombstoned, purged, refused, errors: errors.length }));
    const found = report.stores.some((store) => store.orphans > 0 || store.refused || store.errors.length > 0);
    options.log[found ? 'warn' : 'info']({ mode, stores: summary }, `scheduled orphan ${mode}: ${report.stores.map((store) => `${store.store} ${store.orphans} orphans`).join(', ')}`);
    return summary;
  };

  return {
    queue,
    async start() {
      await scheduleKeeper.start();
      workerConnection = options.createWorkerConnection();
      worker = new Worker<OperationsJobData>(OPERATIONS_QUEUE_NAME, run, { connection: workerConnection, prefix: options.prefix, concurrency: 1 });
      worker.on('error', (error) => options.log.warn({ err: error }, 'media-ops worker error'));
      worker.on('failed', (job, error) => options.log.error({ err: error, jobId: job?.id }, 'scheduled orphan run failed'));
    },
    async close() {
      await scheduleKeeper.stop();
      await worker?.close().catch(() => undefined);
      workerConnection?.disconnect();
      await queue.close().catch(() => undefined);
    },
  };
}
