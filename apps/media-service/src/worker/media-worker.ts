/**
 * The media worker: a BullMQ worker on the `media` queue that runs one processor per job name,
 * holds the whole queue (instead of failing jobs) while S3 is out, survives Redis restarts through
 * a watchdog, keeps the reconcile scheduler in place, and serves /metrics and /health on its own
 * port. `createMediaWorker` is what main-worker.ts and the tests start and stop.
 */
import { MetricsTime, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createRepositories, type Database as Schema } from '@chucar/domain';
import { createDatabase, createHttpService, createLogger, createRedis, createUnitOfWork, loggerForJob, primaryDatabaseSettings, type Logger } from '@chucar/platform';
import type { MediaConfig } from '../config.ts';
import { openSpool } from '../spool.ts';
import type { JobContext, JobProcessors, JobSettings, MediaRows, QueuedMediaJob } from './jobs/job-context.ts';
import { assertEveryJobHasProcessor, mediaJobProcessors, runMediaJob } from './jobs/processors.ts';
import { MEDIA_JOB_OPTIONS, MEDIA_QUEUE_NAME, createMediaQueue, jobIdFor, type MediaJob, type MediaJobName } from '../queue/index.ts';
import { registerIntegrityMetrics } from '../integrity/integrity-metrics.ts';
import { integrityDeps, integrityRows } from '../integrity/integrity-setup.ts';
import { createIntegrityWork } from '../integrity/integrity-work.ts';
import { ensureIntegritySchedulers } from './integrity-schedules.ts';
import { createMediaStores, createMirrorGate } from '../storage/media-stores.ts';
import { createStorageAvailability, type StorageState } from '../storage/storage-availability.ts';
import { StorageUnavailableError, StoredObjectMismatchError } from '../storage/storage-errors.ts';
import { QUEUE_STATES, registerWorkerMetrics } from './worker-metrics.ts';
import { createWorkerSupervisor, type WorkerSupervisorOptions } from './worker-supervisor.ts';
import { giveUpReason } from './give-up.ts';
import { namedStoresOf } from '../storage/store-list.ts';
import { attachWorkerOperations, type WorkerOperationsDeps } from './monitors/worker-operations.ts';

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

/** Needed for a manual rate limit (queue.rateLimit) to hold the queue; the numbers themselves never bind. */
const limiterThatNeverBinds = { max: 100_000, duration: 1000 };
const reconcileSchedulerId = 'reconcile';
const previewPriority = 10;

export async function createMediaWorker(config: MediaConfig, deps: MediaWorkerDeps = {}): Promise<MediaWorker> {
  const logger = deps.logger ?? createLogger(config, 'media-worker');
  const processors = deps.processors ?? mediaJobProcessors;
  assertEveryJobHasProcessor(processors);
  const now = deps.now ?? (() => new Date());
  const concurrency = config.MEDIA_WORKER_CONCURRENCY;

  const primary = createDatabase<Schema>(primaryDatabaseSettings(config, { poolSize: Math.min(config.DB_POOL_SIZE, concurrency + 2) }));
  const unitOfWork = createUnitOfWork(primary);
  const rows: MediaRows = {
    read: createRepositories(primary.db).media,
    write: async (work) => (await unitOfWork.run((trx) => work(createRepositories(trx).media))).result,
  };
  // The primary store, and the mirror when configured (written best effort, caught up later).
  const stores = createMediaStores(config, logger);
  const objects = stores.primary.objects;
  const spool = await openSpool(config.MEDIA_SPOOL_DIR);
  // Adds and counts fail fast on their own connection; the worker's blocking connection waits instead.
  const queueConnection = createRedis(config, 'producer', logger);
  const queue = createMediaQueue(queueConnection, config.MEDIA_QUEUE_PREFIX);
  queue.on('error', (error) => logger.warn({ err: error }, 'media queue error'));
  const redisTimeoutMs = config.REDIS_CONNECT_TIMEOUT_MS;

  const storage = createStorageAvailability({
    probe: () => objects.probeBucket(),
    // Also how long the queue is held at a time: S3's return is noticed within about twice this.
    probeIntervalMs: deps.storageProbeIntervalMs ?? 1000,
    onStateChange: (state, detail) => {
      if (state === 'down') {
        logger.error({ detail }, 'S3 is unavailable: holding the media queue and probing the bucket');
        return;
      }
      logger.info({ detail }, 'S3 answers again: releasing the media queue');
      void queue.removeRateLimitKey().catch((error: unknown) => logger.warn({ err: error }, 'could not lift the queue hold; it expires by itself'));
    },
  });

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
    queueCounts: () => withTimeout(queue.getJobCounts(...QUEUE_STATES), redisTimeoutMs),
    spoolSpace: () => spool.space(),
    spoolObjectsDir: spool.objectsDir,
    storageStates: () => operations.storageStates(),
  });

  const settings: JobSettings = {
    maxPixels: config.MEDIA_MAX_PIXELS,
    spoolRetentionDays: config.MEDIA_SPOOL_RETENTION_DAYS,
    reconcileGraceMs: config.MEDIA_RECONCILE_INTERVAL_MS,
    reconcileBatchSize: 500,
  };
  const enqueuePerMedia: JobContext['enqueue'] = (name, data) =>
    withTimeout(queue.add(name, data, { jobId: jobIdFor(name, data.mediaId), ...(name === 'variants' ? { priority: previewPriority } : {}) }), redisTimeoutMs).then(() => undefined);
  // The scrubber's own clients, without the SDK logger: with one, the SDK filters every command's
  // input and output for a log line it then drops (about a tenth of a HEAD's client CPU, measured).
  const integrityStores = createMediaStores(config);
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
  const shared: Omit<JobContext, 'log'> = {
    rows,
    objects,
    spool,
    ...(stores.mirror ? { mirror: { objects: stores.mirror.objects, gate: createMirrorGate() } } : {}),
    integrity: integrityRows(primary),
    integrityWork,
    // Originals before previews: under load the work that makes an upload safe goes first, and
    // previews catch up once it eases (BullMQ takes jobs without a priority before any with one).
    enqueue: enqueuePerMedia,
    now,
    settings,
  };

  /** Holds every worker of the queue for `holdMs` and puts this job back, its attempts untouched. */
  const holdQueue = async (holdMs: number): Promise<never> => {
    await queue.rateLimit(holdMs);
    throw Worker.RateLimitError();
  };

  async function processJob(job: QueuedMediaJob): Promise<string> {
    const log = loggerForJob(logger, job);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const usesStorage = job.name !== 'reconcile';
    if (usesStorage && storage.state === 'down') {
      metrics.observeJob(job.name, 'held-for-storage', seconds());
      return holdQueue(storage.holdMs);
    }
    try {
      const outcome = await runMediaJob(processors, job, { ...shared, log });
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
        await rows.write((repository) => repository.markFailed(mediaId, reason, now())).catch((markError: unknown) => log.warn({ err: markError }, 'could not record the failure; the reconciler retries the row'));
        metrics.observeJob(job.name, 'gave-up', seconds());
        log.error({ err: error, mediaId, attemptsMade: job.attemptsMade + 1 }, `media failed for good: ${reason}`);
        throw error;
      }
      metrics.observeJob(job.name, 'error', seconds());
      log.error({ err: error, attemptsMade: job.attemptsMade }, 'media job failed; BullMQ retries it with backoff');
      throw error;
    }
  }

  const supervisor = createWorkerSupervisor({
    log: logger,
    ...deps.watchdog,
    create: () => {
      const connection = createRedis(config, 'worker', logger);
      const worker = new Worker<MediaJob['data'], string, MediaJobName>(MEDIA_QUEUE_NAME, processJob, {
        connection,
        prefix: config.MEDIA_QUEUE_PREFIX,
        concurrency,
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
    },
    redisAnswers: () => withTimeout(queueConnection.ping(), redisTimeoutMs).then(() => true, () => false),
    workIsWaiting: async () => {
      const [counts, holdMs] = await withTimeout(Promise.all([queue.getJobCounts('waiting', 'prioritized'), queue.getRateLimitTtl()]), redisTimeoutMs);
      return (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0) > 0 && holdMs <= 0;
    },
    onRecreate: (reason) => metrics.countWorkerRestart(reason),
  });

  // A Redis that lost everything lost the scheduler too: it is put back on every interval.
  const ensureReconcileScheduler = () =>
    withTimeout(
      queue.upsertJobScheduler(reconcileSchedulerId, { every: config.MEDIA_RECONCILE_INTERVAL_MS }, { name: 'reconcile', data: {}, opts: { removeOnComplete: true, removeOnFail: true } }),
      redisTimeoutMs,
    ).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure the reconcile scheduler; trying again next interval'));
  const ensureScrubSchedulers = () =>
    withTimeout(ensureIntegritySchedulers(queue, config), redisTimeoutMs).catch((error: unknown) => logger.warn({ err: error }, 'could not ensure the scrub and purge schedulers; trying again next interval'));
  let schedulerTimer: NodeJS.Timeout | undefined;

  app.addHealthCheck({ name: 'redis', critical: true, probe: async () => void (await withTimeout(queueConnection.ping(), redisTimeoutMs)) });
  app.addHealthCheck({ name: 'primary', critical: true, probe: async () => void (await primary.runSql('SELECT 1')) });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    logger.info('media worker closing: taking no new jobs, finishing the running ones');
    clearInterval(schedulerTimer);
    await supervisor.close(deps.closeGraceMs ?? config.S3_TIMEOUT_MS + 5000);
    storage.close();
    await operations.close();
    await queue.close().catch(() => undefined);
    queueConnection.disconnect();
    stores.destroy();
    integrityStores.destroy();
    await primary.close();
    logger.info('media worker closed');
    logger.flush();
  };
  app.addHook('onClose', close);

  return {
    app,
    async start() {
      // The queue connects by itself; without Redis the worker starts anyway and waits for it.
      await withTimeout(queue.waitUntilReady(), redisTimeoutMs).catch((error: unknown) => logger.error({ err: error }, 'redis unavailable at start; the worker waits for it'));
      await ensureReconcileScheduler();
      await ensureScrubSchedulers();
      schedulerTimer = setInterval(() => void ensureReconcileScheduler().then(ensureScrubSchedulers), config.MEDIA_RECONCILE_INTERVAL_MS);
      schedulerTimer.unref();
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

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
