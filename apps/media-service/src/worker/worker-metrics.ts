import { readdir } from 'node:fs/promises';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SpoolSpace } from '../spool.ts';

export interface WorkerMetricSources {
  /** Job counts by BullMQ state; rejects when Redis does not answer. */
  queueCounts(): Promise<Record<string, number>>;
  spoolSpace(): Promise<SpoolSpace>;
  spoolObjectsDir: string;
  /** Each object store by name (primary, mirror): up, or down by the probes or the jobs' own calls. */
  storageStates(): Record<string, 'up' | 'down'>;
}

export interface WorkerMetrics {
  observeJob(job: string, outcome: string, seconds: number): void;
  countStorageError(kind: 'unavailable' | 'mismatch' | 'other'): void;
  countWorkerRestart(reason: string): void;
}

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/**
 * The worker's metrics, read when Prometheus scrapes: queue depths, job durations by outcome,
 * storage errors and whether S3 is up, spool usage. A gauge whose source does not answer is left
 * empty for that scrape rather than showing a stale or invented value.
 */
export function registerWorkerMetrics(registry: Registry, sources: WorkerMetricSources): WorkerMetrics {
  const jobDuration = new Histogram({
    name: 'media_job_duration_seconds',
    help: 'Media jobs by name and outcome (stored, ready, failed, held-for-storage, error, ...)',
    labelNames: ['job', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'media_storage_errors_total',
    help: 'S3 errors seen by jobs: unavailable (outage, throttling), mismatch (stored object differs), other',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const workerRestarts = new Counter({
    name: 'media_worker_restarts_total',
    help: 'BullMQ workers recreated by the watchdog, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'media_storage_up',
    help: 'Per object store: 1 while it answers, 0 while it is down (probed on a timer, and held by the jobs while they cannot reach it)',
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const [store, state] of Object.entries(sources.storageStates())) this.set({ store }, state === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'media_queue_jobs',
    help: 'Jobs in the media queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await sources.queueCounts().catch(() => null);
      if (!counts) return;
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: 'media_spool_disk_bytes',
    help: "The spool disk's size and free space",
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const space = await sources.spoolSpace().catch(() => null);
      if (!space) return;
      this.set({ kind: 'free' }, space.freeBytes);
      this.set({ kind: 'total' }, space.totalBytes);
    },
  });
  new Gauge({
    name: 'media_spool_objects',
    help: 'Accepted uploads on the spool (waiting to be stored, or kept for the retention window)',
    registers: [registry],
    async collect() {
      const names = await readdir(sources.spoolObjectsDir).catch(() => null);
      // An unlabelled gauge's reset() would say 0: remove() leaves no sample, as promised above.
      if (names) this.set(names.length);
      else this.remove();
    },
  });

  return {
    observeJob: (job, outcome, seconds) => jobDuration.observe({ job, outcome }, seconds),
    countStorageError: (kind) => storageErrors.inc({ kind }),
    countWorkerRestart: (reason) => workerRestarts.inc({ reason }),
  };
}
