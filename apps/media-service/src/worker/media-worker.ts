/**
 * The media worker's wiring: a BullMQ worker on the `media` queue that runs one processor per job
 * name (job-runner.ts holds the queue while S3 is out), survives Redis restarts through a watchdog
 * (worker-supervisor.ts), keeps its schedulers in place (schedulers.ts), runs the monitors
 * (monitors/), and serves /metrics and /health on its own port. `createMediaWorker` is what
 * main-worker.ts and the tests start and stop.
 */
import type { FastifyInstance } from 'fastify';
import { createRepositories, type Database as Schema } from '@chucar/domain';
import { createHttpService, createLogger, createRedis, createUnitOfWork, openWritableDatabase, type Logger, type RoutedDatabase } from '@chucar/platform';
import { MEDIA_QUEUE_NAME } from '@chucar/contracts';
import type { MediaConfig } from '../config.ts';
import { openSpool, type Spool } from '../spool.ts';
import type { JobContext, JobProcessors, JobSettings, MediaRows } from './jobs/job-context.ts';
import { assertEveryJobHasProcessor, mediaJobProcessors } from './jobs/processors.ts';
import { MEDIA_JOB_OPTIONS, createMediaQueue, jobIdFor, withRedisTimeout, type MediaQueue } from '../queue/index.ts';
import { registerIntegrityMetrics } from '../integrity/integrity-metrics.ts';
import { integrityDeps, integrityRows } from '../integrity/integrity-setup.ts';
import { createIntegrityWork } from '../integrity/integrity-work.ts';
import { createMediaStores, createMirrorGate, type MediaStores } from '../storage/media-stores.ts';
import { createStorageAvailability, type StorageAvailability, type StorageState } from '../storage/storage-availability.ts';
import { QUEUE_STATES, registerWorkerMetrics } from './worker-metrics.ts';
import { createWorkerSupervisor, type WorkerSupervisorOptions } from './worker-supervisor.ts';
import { namedStoresOf } from '../storage/store-list.ts';
import { attachWorkerOperations, type WorkerOperationsDeps } from './monitors/worker-operations.ts';
import { createBullWorker } from './bullmq-worker.ts';
import { createJobRunner } from './job-runner.ts';
import { keepSchedulers } from './schedulers.ts';

export interface MediaWorkerDeps {
  logger?: Logger;
  now?: () => Date;
  processors?: JobProcessors;
  /** How often the bucket is probed while S3 is down. */
  storageProbeIntervalMs?: number;
  watchdog?: Pick<WorkerSupervisorOptions, 'checkEveryMs' | 'reconnectGraceMs' | 'idleWithWorkMs'>;
  /** How long a graceful close waits for running jobs. */
  closeGraceMs?: number;
  /** How often the operations side probes the stores and looks at the queue (tests shorten them). */
  operations?: Pick<WorkerOperationsDeps, 'storeCheckEveryMs' | 'queueCheckEveryMs'>;
}

export interface MediaWorker {
  /** /metrics and /health; main-worker.ts listens on it, and closing it closes the worker. */
  app: FastifyInstance;
  start(): Promise<void>;
  readonly storageState: StorageState;
  readonly workerRestarts: number;
  close(): Promise<void>;
}

const previewPriority = 10;

export async function createMediaWorker(config: MediaConfig, deps: MediaWorkerDeps = {}): Promise<MediaWorker> {
  const logger = deps.logger ?? createLogger(config, 'media-worker');
  const processors = deps.processors ?? mediaJobProcessors;
  assertEveryJobHasProcessor(processors);
  const concurrency = config.MEDIA_WORKER_CONCURRENCY;
  const redisTimeoutMs = config.REDIS_CONNECT_TIMEOUT_MS;

  const writable = openWritableDatabase<Schema>(config, { poolSize: Math.min(config.DB_POOL_SIZE, concurrency + 2) });
  await writable.start();
  const primary = writable.database;
  // The primary store, and the mirror when configured (written best effort, caught up later).
  const stores = createMediaStores(config, logger);
  const spool = await openSpool(config.MEDIA_SPOOL_DIR);
  // Adds and counts fail fast on their own connection; the worker's blocking connection waits instead.
  const queueConnection = createRedis(config, 'producer', logger);
  const queue = createMediaQueue(queueConnection, config.MEDIA_QUEUE_PREFIX);
  queue.on('error', (error) => logger.warn({ err: error }, 'media queue error'));
  const storage = watchStorage(stores, queue, logger, deps.storageProbeIntervalMs);

  const app = await createHttpService({ service: 'media-worker', logging: config, logger: false });
  // Every store probed on a timer, the stuck-queue watch, failed media, orphans, the dashboard.
  const operations = await attachWorkerOperations({
    app,
    config,
    logger,
    db: primary.db,
    mediaQueue: queue,
    queueConnection,
    createWorkerConnection: () => createRedis(config, 'worker', logger),
    stores: namedStoresOf(stores, config.S3_TIMEOUT_MS),
    jobStorageState: (store) => (store === 'primary' ? storage.state : undefined),
    redisTimeoutMs,
    ...deps.operations,
  });
  const metrics = registerWorkerMetrics(app.metricsRegistry, {
    queueCounts: () => withRedisTimeout(queue.getJobCounts(...QUEUE_STATES), redisTimeoutMs, 'job counts'),
    spoolSpace: () => spool.space(),
    spoolObjectsDir: spool.objectsDir,
    storageStates: () => operations.storageStates(),
  });

  // The scrubber's own clients, without the SDK logger: with one, the SDK filters every command's
  // input and output for a log line it then drops (about a tenth of a HEAD's client CPU, measured).
  const integrityStores = createMediaStores(config);
  const context = jobContext({ config, deps, logger, primary, stores, integrityStores, spool, queue, app });
  const runJob = createJobRunner({ logger, processors, context, queue, storage, metrics });

  const supervisor = createWorkerSupervisor({
    log: logger,
    ...deps.watchdog,
    create: () => createBullWorker(config, logger, runJob),
    redisAnswers: () => withRedisTimeout(queueConnection.ping(), redisTimeoutMs, 'PING').then(() => true, () => false),
    workIsWaiting: async () => {
      const [counts, holdMs] = await withRedisTimeout(Promise.all([queue.getJobCounts('waiting', 'prioritized'), queue.getRateLimitTtl()]), redisTimeoutMs, 'waiting jobs and queue hold');
      return (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0) > 0 && holdMs <= 0;
    },
    onRecreate: (reason) => metrics.countWorkerRestart(reason),
    registry: app.metricsRegistry,
  });
  const schedulers = keepSchedulers(queue, config, logger, app.metricsRegistry);

  app.addHealthCheck({ name: 'redis', critical: true, probe: async () => void (await withRedisTimeout(queueConnection.ping(), redisTimeoutMs, 'PING')) });
  app.addHealthCheck({ name: 'primary', critical: true, probe: () => writable.probe() });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    logger.info('media worker closing: taking no new jobs, finishing the running ones');
    await schedulers.stop();
    await supervisor.close(deps.closeGraceMs ?? config.S3_TIMEOUT_MS + 5000);
    await storage.close();
    await operations.close();
    await queue.close().catch(() => undefined);
    queueConnection.disconnect();
    stores.destroy();
    integrityStores.destroy();
    await writable.close();
    logger.info('media worker closed');
    logger.flush();
  };
  app.addHook('onClose', close);

  return {
    app,
    async start() {
      // The queue connects by itself; without Redis the worker starts anyway and waits for it.
      await withRedisTimeout(queue.waitUntilReady(), redisTimeoutMs, 'connecting').catch((error: unknown) => logger.error({ err: error }, 'redis unavailable at start; the worker waits for it'));
      await schedulers.start();
      supervisor.start();
      await operations.start();
      logger.info({ concurrency, queue: MEDIA_QUEUE_NAME, prefix: config.MEDIA_QUEUE_PREFIX, jobOptions: MEDIA_JOB_OPTIONS }, 'media worker started');
    },
    get storageState() {
      return storage.state;
    },
    get workerRestarts() {
      return supervisor.restarts;
    },
    close: () => app.close(),
  };
}

/** S3 as the jobs see it: while it is down the queue is held and the bucket probed; its return lifts the hold. */
function watchStorage(stores: MediaStores, queue: MediaQueue, logger: Logger, probeIntervalMs = 1000): StorageAvailability {
  return createStorageAvailability({
    probe: () => stores.primary.objects.probeBucket(),
    // Also how long the queue is held at a time: S3's return is noticed within about twice this.
    probeIntervalMs,
    onStateChange: (state, detail) => {
      if (state === 'down') {
        logger.error({ detail }, 'S3 is unavailable: holding the media queue and probing the bucket');
        return;
      }
      logger.info({ detail }, 'S3 answers again: releasing the media queue');
      void queue.removeRateLimitKey().catch((error: unknown) => logger.warn({ err: error }, 'could not lift the queue hold; it expires by itself'));
    },
  });
}

interface JobContextSources {
  config: MediaConfig;
  deps: MediaWorkerDeps;
  logger: Logger;
  primary: RoutedDatabase<Schema>;
  stores: MediaStores;
  integrityStores: MediaStores;
  spool: Spool;
  queue: MediaQueue;
  app: FastifyInstance;
}

/** What every processor gets besides its job: the rows, the stores, the spool, the integrity work, a way to enqueue. */
function jobContext({ config, deps, logger, primary, stores, integrityStores, spool, queue, app }: JobContextSources): Omit<JobContext, 'log'> {
  const redisTimeoutMs = config.REDIS_CONNECT_TIMEOUT_MS;
  const unitOfWork = createUnitOfWork(primary);
  const rows: MediaRows = {
    read: createRepositories(primary.db).media,
    write: async (work) => (await unitOfWork.run((trx) => work(createRepositories(trx).media))).result,
  };
  const settings: JobSettings = {
    maxPixels: config.MEDIA_MAX_PIXELS,
    spoolRetentionDays: config.MEDIA_SPOOL_RETENTION_DAYS,
    reconcileGraceMs: config.MEDIA_RECONCILE_INTERVAL_MS,
    reconcileBatchSize: 500,
  };
  // Originals before previews: under load the work that makes an upload safe goes first, and
  // previews catch up once it eases (BullMQ takes jobs without a priority before any with one).
  const enqueuePerMedia: JobContext['enqueue'] = (name, data) =>
    withRedisTimeout(queue.add(name, data, { jobId: jobIdFor(name, data.mediaId), ...(name === 'variants' ? { priority: previewPriority } : {}) }), redisTimeoutMs, `adding ${name} for ${data.mediaId}`).then(() => undefined);
  const integrityWork = createIntegrityWork(
    integrityDeps({
      config,
      primary,
      stores: integrityStores,
      spool,
      enqueueVariants: (mediaId) => enqueuePerMedia('variants', { mediaId }),
      log: logger,
      metrics: registerIntegrityMetrics(app.metricsRegistry),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  return {
    rows,
    objects: stores.primary.objects,
    spool,
    ...(stores.mirror ? { mirror: { objects: stores.mirror.objects, gate: createMirrorGate() } } : {}),
    integrity: integrityRows(primary),
    integrityWork,
    enqueue: enqueuePerMedia,
    now: deps.now ?? (() => new Date()),
    settings,
  };
}
