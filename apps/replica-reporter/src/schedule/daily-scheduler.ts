/**
 * The daily reports' process, as main-schedule.ts runs it: the BullMQ job scheduler and its
 * worker, and an HTTP side from the service kit (/metrics with the runs' outcomes, /health) that
 * main-schedule.ts listens on unless it only writes one day. Tests start and stop it whole.
 */
import { QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { addCalendarDays, type CalendarDate, type ReportName } from '@chucar/domain';
import { createHttpService, createLogger, createPeriodicTask, createRedis, type Logger } from '@chucar/platform';
import type { ReportFormat } from '@chucar/contracts';
import type { ReporterConfig } from '../config.ts';
import { replicaHealthCheck } from '../guard/replica-health.ts';
import { openReplica, runnerSettings } from '../reporter-database.ts';
import { ReportRunner } from '../reports/report-runner.ts';
import { findNewestCompleteDay, previousKstDay } from './daily-reports.ts';
import { registerDailyRunMetrics } from './daily-run-metrics.ts';
import { runDayNow, startDailySchedule } from './daily-schedule.ts';
import { configuredTargets } from './report-targets.ts';

/** How far back the targets are searched at start for the newest complete day. */
const SEED_LOOKBACK_DAYS = 7;
/** A Redis that was away at start, or lost its data, gets the job scheduler back within this. */
const ENSURE_SCHEDULE_EVERY_MS = 5 * 60_000;
const WRITE_DAY_TIMEOUT_MS = 10 * 60_000;

export interface DailyScheduler {
  /** /metrics and /health; closing it closes the scheduler. */
  app: FastifyInstance;
  /** The start-up check of the replica (rejects with a ReportRefusal). */
  runner: ReportRunner;
  /** Puts the job scheduler in Redis (and again every few minutes) and seeds the last-success time from the targets. */
  start(): Promise<void>;
  /** Writes one day now through the queue; rejects with the run's error if it failed. */
  writeDay(day: CalendarDate): Promise<unknown>;
  close(): Promise<void>;
}

export async function createDailyScheduler(config: ReporterConfig, deps: { logger?: Logger } = {}): Promise<DailyScheduler> {
  const log = deps.logger ?? createLogger(config, 'replica-reporter-schedule');
  const { targets, close: closeTargets } = configuredTargets(config);
  if (targets.length === 0) throw new Error('set REPORTER_DAILY_DIR or REPORTER_DAILY_BUCKET (or both): the daily reports need somewhere to go');
  const reports = config.REPORTER_DAILY_REPORTS as ReportName[];
  const formats = config.REPORTER_DAILY_FORMATS as ReportFormat[];

  const app = await createHttpService({ service: 'replica-reporter-schedule', logging: config, logger: log });
  const metrics = registerDailyRunMetrics(app.metricsRegistry, { countsFrom: addCalendarDays(previousKstDay(new Date()), 1 - SEED_LOOKBACK_DAYS) });
  const replica = openReplica(config);
  const runner = new ReportRunner(replica, runnerSettings(config), log);
  const queueConnection = createRedis(config, 'producer', log);
  const workerConnection = createRedis(config, 'worker', log);
  const schedule = startDailySchedule(
    { queue: queueConnection, worker: workerConnection },
    runner,
    { cron: config.REPORTER_DAILY_CRON, reports, formats, targets, prefix: config.REPORTER_QUEUE_PREFIX },
    log,
    (outcome, day, endedAt) => metrics.recordRun(outcome, day, endedAt),
  );

  // Neither outage stops the process or makes it not ready: runs fail (and are counted) while it
  // lasts, and the next run or a retry writes the day once the dependency is back.
  app.addHealthCheck(replicaHealthCheck(replica.runSql, { critical: false, lagWarnS: config.REPORTER_LAG_WARN_S }));
  app.addHealthCheck({
    name: 'redis',
    critical: false,
    probe: async () => {
      try {
        await queueConnection.ping();
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; no daily job is queued or run until Redis is back`, { cause: error });
      }
    },
  });

  const ensureSchedule = createPeriodicTask({
    name: 'daily_schedule_ensure',
    intervalMs: ENSURE_SCHEDULE_EVERY_MS,
    run: () => schedule.ready(),
    logger: log,
    registry: app.metricsRegistry,
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await ensureSchedule.stop();
    // A running day finishes first; one cut short by the grace period runs again (files that exist are skipped).
    await schedule.close();
    await runner.stopAll();
    await replica.close();
    queueConnection.disconnect();
    workerConnection.disconnect();
    closeTargets();
  };
  app.addHook('onClose', close);

  return {
    app,
    runner,
    async start() {
      const scheduled = await schedule.ready().then(
        () => true,
        (error: unknown) => {
          log.warn({ err: error }, `could not put the daily job scheduler in Redis; trying again within ${ENSURE_SCHEDULE_EVERY_MS / 60_000} minutes`);
          return false;
        },
      );
      if (scheduled) log.info({ cron: config.REPORTER_DAILY_CRON, timeZone: 'Asia/Seoul', targets: targets.map((target) => target.name) }, 'daily reports scheduled');
      await ensureSchedule.start();
      try {
        const newest = await findNewestCompleteDay({ reports, formats, targets }, previousKstDay(new Date()), SEED_LOOKBACK_DAYS);
        if (newest) metrics.seedNewestCompleteDay(newest.day, newest.completedAt);
        log.info({ newestCompleteDay: newest?.day ?? null, completedAt: newest?.completedAt.toISOString() ?? null }, 'newest complete day in the targets');
      } catch (error) {
        log.warn({ err: error }, 'could not read what the targets hold; the last-success time starts at 0');
      }
    },
    async writeDay(day) {
      const eventsConnection = createRedis(config, 'worker', log);
      const events = new QueueEvents(schedule.queue.name, { connection: eventsConnection, prefix: config.REPORTER_QUEUE_PREFIX });
      try {
        await events.waitUntilReady();
        return await runDayNow(schedule.queue, day, events, WRITE_DAY_TIMEOUT_MS);
      } finally {
        await events.close();
        eventsConnection.disconnect();
      }
    },
    close: () => app.close(),
  };
}
