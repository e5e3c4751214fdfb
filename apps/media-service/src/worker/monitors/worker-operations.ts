/**
 * The operations side of the media worker, attached to its app in one call: every object store
 * probed on a timer (readiness detail per store, media_storage_up{store}, an error log), the stuck-
 * queue watch (readiness `degraded`, media_queue_stuck, an error log), failed media and the
 * oldest upload still waiting to be stored in metrics,
 * the scheduled orphan run on its own queue, and the admins' queue dashboard.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createKyselyMediaOperationsRepository, type Database as Schema } from '@chucar/domain';
import { isDevelopmentSigningSecret, type Logger } from '@chucar/platform';
import type { MediaConfig } from '../../config.ts';
import { withRedisTimeout, type MediaQueue } from '../../queue/index.ts';
import { storeProbeTimeoutMs } from '../../storage/store-reachability.ts';
import { probeStore, type NamedStore } from '../../storage/named-stores.ts';
import { registerOperationsMetrics } from './operations-metrics.ts';
import { createOperationsQueue, type OperationsQueue } from './operations-queue.ts';
import { sweepOrphans, type OrphanMode } from '../../integrity/orphan-sweep.ts';
import { registerQueueDashboard } from './queue-dashboard.ts';
import { createQueueStuckMonitor, describeStuckQueue } from './queue-stuck-monitor.ts';
import { createStorageMonitor, type StoreState } from './storage-monitor.ts';
import { createWaitingUploadsWatch, oldestWaitingUploadAcceptedAt } from './waiting-uploads.ts';

export interface WorkerOperationsDeps {
  app: FastifyInstance;
  config: MediaConfig;
  logger: Logger;
  /** The primary database. */
  db: Kysely<Schema>;
  mediaQueue: MediaQueue;
  /** The producer connection the media queue uses (fails fast). */
  queueConnection: Redis;
  createWorkerConnection(): Redis;
  /** Every object store, the primary first; each is probed and swept under its name. */
  stores: readonly NamedStore[];
  /** What the jobs' own calls say of a store (the worker's storage availability), when they say anything. */
  jobStorageState?(store: string): StoreState | undefined;
  redisTimeoutMs: number;
  /** Overrides for tests. */
  storeCheckEveryMs?: number;
  queueCheckEveryMs?: number;
}

export interface WorkerOperations {
  /** Each store's state for media_storage_up: down when the probes or the jobs say so. */
  storageStates(): Record<string, StoreState>;
  start(): Promise<void>;
  close(): Promise<void>;
  readonly operationsQueue: OperationsQueue;
}

const hourMs = 60 * 60 * 1000;

/** The readiness check of a store: the primary keeps the name `storage` it always had. */
export const storageCheckName = (store: string) => (store === 'primary' ? 'storage' : `storage-${store}`);

export async function attachWorkerOperations(deps: WorkerOperationsDeps): Promise<WorkerOperations> {
  const { app, config, logger } = deps;
  const operationsRepository = createKyselyMediaOperationsRepository(deps.db);

  const monitor = createStorageMonitor({
    stores: deps.stores.map((store) => ({ name: store.name, probe: (signal) => probeStore(store, signal) })),
    log: logger,
    intervalMs: deps.storeCheckEveryMs ?? config.MEDIA_STORAGE_PROBE_INTERVAL_MS,
    timeoutMs: storeProbeTimeoutMs(config),
    registry: app.metricsRegistry,
  });
  const stateOf = (store: string): StoreState => (monitor.state(store) === 'down' || deps.jobStorageState?.(store) === 'down' ? 'down' : 'up');
  for (const store of deps.stores) {
    app.addHealthCheck({
      name: storageCheckName(store.name),
      critical: false,
      probe: async () => {
        if (stateOf(store.name) === 'up') return;
        const status = monitor.status().find((entry) => entry.name === store.name);
        const byJobs = deps.jobStorageState?.(store.name) === 'down' ? 'jobs hold the queue and probe the bucket' : null;
        if (status?.state !== 'down') throw new Error(`${store.name} store (${store.bucket}) unavailable: jobs could not reach it; ${byJobs}`);
        throw new Error(`${store.name} store (${store.bucket}) unavailable since ${status.since.toISOString()}: ${status.lastError ?? 'no answer'}${byJobs ? `; ${byJobs}` : ''}`);
      },
    });
  }

  const stuckAfterMs = config.MEDIA_QUEUE_STUCK_AFTER_MS;
  const queueCheckEveryMs = deps.queueCheckEveryMs ?? Math.min(10_000, Math.max(250, Math.floor(stuckAfterMs / 6)));
  const stuckMonitor = createQueueStuckMonitor({
    stuckAfterMs,
    checkEveryMs: queueCheckEveryMs,
    log: logger,
    readProgress: async () => {
      const [counts, completed, holdMs] = await withRedisTimeout(
        Promise.all([deps.mediaQueue.getJobCounts('waiting', 'prioritized'), deps.mediaQueue.getMetrics('completed', 0, 0), deps.mediaQueue.getRateLimitTtl()]),
        deps.redisTimeoutMs,
        'queue progress',
      );
      return { waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0), completedTotal: completed.meta.count, heldForStorage: holdMs > 0 };
    },
    registry: app.metricsRegistry,
  });
  app.addHealthCheck({
    name: 'queue',
    critical: false,
    probe: async () => {
      const status = stuckMonitor.status();
      // Degraded, never down: a stuck queue is the fleet's problem, and this instance can still work.
      if (status.stuck) return { status: 'degraded', detail: `stuck: ${describeStuckQueue(status, stuckAfterMs)}` };
      return { status: 'up', detail: `${status.waiting} jobs waiting` };
    },
  });

  // Read on the queue watch's cadence: an alert on uploads waiting too long is about the same backlog.
  const waitingUploads = createWaitingUploadsWatch({ oldestAcceptedAt: () => oldestWaitingUploadAcceptedAt(deps.db), refreshEveryMs: queueCheckEveryMs, registry: app.metricsRegistry });

  const metrics = registerOperationsMetrics(app.metricsRegistry, {
    countFailed: () => operationsRepository.countFailed(),
    failedRefreshMs: 30_000,
    queueStatus: () => stuckMonitor.status(),
    oldestWaitingUploadSeconds: () => waitingUploads.oldestWaitingSeconds(),
  });

  const runOrphans = async (mode: OrphanMode) => {
    const report = await sweepOrphans({
      stores: deps.stores,
      existingIds: (ids) => operationsRepository.existingIds(ids),
      mode,
      now: new Date(),
      graceMs: config.MEDIA_ORPHAN_GRACE_HOURS * hourMs,
      tombstoneRetentionMs: config.MEDIA_ORPHAN_TOMBSTONE_DAYS * 24 * hourMs,
      maxSharePercent: config.MEDIA_ORPHAN_MAX_SHARE_PERCENT,
      log: logger,
    });
    metrics.recordOrphanRun(report);
    return report;
  };
  const operationsQueue = createOperationsQueue({
    connection: deps.queueConnection,
    createWorkerConnection: deps.createWorkerConnection,
    prefix: config.MEDIA_QUEUE_PREFIX,
    schedule: config.MEDIA_ORPHAN_SCHEDULE,
    intervalMs: config.MEDIA_ORPHAN_INTERVAL_MS,
    runOrphans,
    log: logger,
    timeoutMs: deps.redisTimeoutMs,
    registry: app.metricsRegistry,
  });

  const jwtSecret = dashboardSecret(config);
  if (jwtSecret) {
    await registerQueueDashboard(app, { jwtSecret, queues: [deps.mediaQueue, operationsQueue.queue] });
  } else {
    logger.warn('queue dashboard off: set JWT_SECRET (the gateway’s) to serve /admin/queues to admins');
  }

  return {
    storageStates: () => Object.fromEntries(deps.stores.map((store) => [store.name, stateOf(store.name)])),
    async start() {
      await monitor.start();
      await stuckMonitor.start();
      await waitingUploads.start();
      await operationsQueue.start();
    },
    async close() {
      await Promise.all([monitor.close(), stuckMonitor.close(), waitingUploads.close()]);
      await operationsQueue.close();
    },
    operationsQueue,
  };
}

/** In production the development secret would admit tokens anyone can sign: no dashboard then. */
function dashboardSecret(config: MediaConfig): string | null {
  if (config.JWT_SECRET === '') return null;
  if (config.NODE_ENV === 'production' && isDevelopmentSigningSecret(config.JWT_SECRET)) return null;
  return config.JWT_SECRET;
}
