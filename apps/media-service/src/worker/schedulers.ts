/**
 * The job schedulers the worker keeps in place: reconcile, and the integrity work's scrub and purge.
 * A Redis that lost everything lost them too, so they are put back on every reconcile interval.
 */
import type { Registry } from 'prom-client';
import { createPeriodicTask, type Logger } from '@chucar/platform';
import type { MediaConfig } from '../config.ts';
import { withRedisTimeout, type MediaQueue } from '../queue/index.ts';
import { ensureIntegritySchedulers } from './integrity-schedules.ts';

const reconcileSchedulerId = 'reconcile';

export interface SchedulerKeeper {
  /** Ensures them now, then again on every reconcile interval. */
  start(): Promise<void>;
  /** Stops the interval, after an ensure in flight. */
  stop(): Promise<void>;
}

export function keepSchedulers(queue: MediaQueue, config: MediaConfig, logger: Logger, registry?: Registry): SchedulerKeeper {
  const redisTimeoutMs = config.REDIS_CONNECT_TIMEOUT_MS;
  const ensureReconcileScheduler = () =>
    withRedisTimeout(
      queue.upsertJobScheduler(reconcileSchedulerId, { every: config.MEDIA_RECONCILE_INTERVAL_MS }, { name: 'reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: true } }),
      redisTimeoutMs,
      'ensuring the reconcile scheduler',
    );
  const ensureScrubSchedulers = () => withRedisTimeout(ensureIntegritySchedulers(queue, config), redisTimeoutMs, 'ensuring the scrub and purge schedulers');
  const keeper = createPeriodicTask({
    name: 'media_scheduler_keeper',
    intervalMs: config.MEDIA_RECONCILE_INTERVAL_MS,
    runAtStart: true,
    // Each is tried even when the other fails; the run fails (logged, counted) if either did.
    run: async () => {
      const outcomes = await Promise.allSettled([ensureReconcileScheduler(), ensureScrubSchedulers()]);
      const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      if (failures.length > 0) throw new AggregateError(failures, `could not ensure ${failures.length} of the job schedulers`);
    },
    logger,
    ...(registry ? { registry } : {}),
  });
  return { start: () => keeper.start(), stop: () => keeper.stop() };
}
