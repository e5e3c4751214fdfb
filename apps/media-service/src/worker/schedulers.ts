/**
 * The job schedulers the worker keeps in place: reconcile, and the integrity work's scrub and purge.
 * A Redis that lost everything lost them too, so they are put back on every reconcile interval.
 */
import type { Logger } from '@chucar/platform';
import type { MediaConfig } from '../config.ts';
import { withRedisTimeout, type MediaQueue } from '../queue/index.ts';
import { ensureIntegritySchedulers } from './integrity-schedules.ts';

const reconcileSchedulerId = 'reconcile';

export interface SchedulerKeeper {
  /** Ensures them now, then again on every reconcile interval. */
  start(): Promise<void>;
  stop(): void;
}

export function keepSchedulers(queue: MediaQueue, config: MediaConfig, logger: Logger): SchedulerKeeper {
  const redisTimeoutMs = config.REDIS_CONNECT_TIMEOUT_MS;
  const ensureReconcileScheduler = () =>
    withRedisTimeout(
      queue.upsertJobScheduler(reconcileSchedulerId, { every: config.MEDIA_RECONCILE_INTERVAL_MS }, { name: 'reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: true } }),
      redisTimeoutMs,
    ).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure the reconcile scheduler; trying again next interval'));
  const ensureScrubSchedulers = () =>
    withRedisTimeout(ensureIntegritySchedulers(queue, config), redisTimeoutMs).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure the scrub and purge schedulers; trying again next interval'));
  let timer: NodeJS.Timeout | undefined;
  return {
    async start() {
      await ensureReconcileScheduler();
      await ensureScrubSchedulers();
      timer = setInterval(() => void ensureReconcileScheduler().then(ensureScrubSchedulers), config.MEDIA_RECONCILE_INTERVAL_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
