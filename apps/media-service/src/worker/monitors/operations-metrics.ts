/**
 * What an operator alerts on, beside the worker's own metrics: failed media by the job that failed
 * (from the database, the source of truth, read at most every `failedRefreshMs` so frequent scrapes
 * cost nothing), how long the oldest accepted upload has waited to be stored, whether the queue is
 * stuck, and what the last orphan run found.
 */
import { Gauge, type Registry } from 'prom-client';
import type { RequeueJob } from '@chucar/domain';
import type { QueueStuckStatus } from './queue-stuck-monitor.ts';
import type { OrphanSweepReport } from '../../integrity/orphan-sweep.ts';

export interface OperationsMetricSources {
  countFailed(): Promise<Record<RequeueJob, number>>;
  failedRefreshMs: number;
  queueStatus(): QueueStuckStatus;
  /** Seconds the oldest accepted upload has waited to be stored (0 when none); null when unknown. */
  oldestWaitingUploadSeconds(): number | null;
  now?: () => number;
}

export interface OperationsMetrics {
  recordOrphanRun(report: OrphanSweepReport): void;
}

export function registerOperationsMetrics(registry: Registry, sources: OperationsMetricSources): OperationsMetrics {
  const now = sources.now ?? Date.now;
  let failedCache: { at: number; counts: Record<RequeueJob, number> } | null = null;

  new Gauge({
    name: 'media_failed',
    help: 'Media whose work failed for good and waits for an operator (npm run media:requeue), by job: store (status failed), variants (previews failed)',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      if (!failedCache || now() - failedCache.at >= sources.failedRefreshMs) {
        const counts = await sources.countFailed().catch(() => null);
        // The database did not answer: no value rather than a stale one.
        if (!counts) {
          failedCache = null;
          this.reset();
          return;
        }
        failedCache = { at: now(), counts };
      }
      for (const [job, count] of Object.entries(failedCache.counts)) this.set({ job }, count);
    },
  });
  new Gauge({
    name: 'media_queue_stuck',
    help: `1 while work has waited in the media queue with no job completing for MEDIA_QUEUE_STUCK_AFTER_MS`,
    registers: [registry],
    collect() {
      this.set(sources.queueStatus().stuck ? 1 : 0);
    },
  });
  new Gauge({
    name: 'media_queue_stalled_seconds',
    help: 'How long work has waited in the media queue with no job completing (0 while jobs complete or nothing waits)',
    registers: [registry],
    collect() {
      const since = sources.queueStatus().stalledSince;
      this.set(since ? Math.max(0, (now() - since.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'media_spool_oldest_waiting_seconds',
    help: 'Age of the oldest accepted upload not yet stored (media spooled, counted from its acceptance), 0 when none waits; read from the database on the worker’s queue checks',
    registers: [registry],
    collect() {
      const seconds = sources.oldestWaitingUploadSeconds();
      // The database did not answer: no sample rather than a stale one (reset() would say 0, "nothing waits").
      if (seconds === null) this.remove();
      else this.set(seconds);
    },
  });
  const orphanObjects = new Gauge({
    name: 'media_orphan_objects',
    help: 'Objects with no media row at the last orphan run, by store and state: orphan (past the grace period), in_grace, tombstone (moved, purged after the retention window)',
    labelNames: ['store', 'state'] as const,
    registers: [registry],
  });
  const orphanRun = new Gauge({
    name: 'media_orphan_run_timestamp_seconds',
    help: 'When the last orphan run ended, by mode (report, sweep)',
    labelNames: ['mode'] as const,
    registers: [registry],
  });

  return {
    recordOrphanRun(report) {
      for (const store of report.stores) {
        orphanObjects.set({ store: store.store, state: 'orphan' }, store.orphans - store.tombstoned);
        orphanObjects.set({ store: store.store, state: 'in_grace' }, store.orphansInGrace);
        orphanObjects.set({ store: store.store, state: 'tombstone' }, store.tombstones + store.tombstoned - store.purged);
      }
      orphanRun.set({ mode: report.mode }, now() / 1000);
    },
  };
}
