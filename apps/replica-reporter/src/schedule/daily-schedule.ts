import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isReportName, parseCalendarDate, type ReportName } from '@chucar/domain';
import type { OutputFormat } from '../render/cells.ts';
import type { ReportRunner } from '../reports/report-runner.ts';
import { previousKstDay, writeDailyReports } from './daily-reports.ts';
import type { ReportTarget } from './report-targets.ts';

export const REPORTS_QUEUE = 'reports';
export const DAILY_SCHEDULER_ID = 'daily-reports';
const DAILY_JOB = 'daily';

/** `day` names a Korean day to (re)write; without it, the day before the run's scheduled time. */
export type DailyJobData = { day?: string };

export type DailyScheduleSettings = { cron: string; reports: readonly ReportName[]; formats: readonly OutputFormat[]; targets: readonly ReportTarget[]; prefix: string };

/**
 * The scheduler lives in Redis (BullMQ's job scheduler): upserting it again at every start keeps
 * one schedule however many reporter schedulers run, and the cron is read in Korean time.
 */
export async function upsertDailySchedule(queue: Queue, cron: string): Promise<void> {
  await queue.upsertJobScheduler(DAILY_SCHEDULER_ID, { pattern: cron, tz: 'Asia/Seoul' }, { name: DAILY_JOB, data: {} satisfies DailyJobData, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 100 } });
}

/** The day a daily job reports on. */
export function dayOfJob(job: Pick<Job<DailyJobData>, 'data' | 'timestamp'>): string {
  if (job.data.day !== undefined) {
    const day = parseCalendarDate(job.data.day);
    if (day === null) throw new Error(`not a day: ${JSON.stringify(job.data.day)}`);
    return day;
  }
  return previousKstDay(new Date(job.timestamp));
}

export function startDailySchedule(connections: { queue: Redis; worker: Redis }, runner: ReportRunner, settings: DailyScheduleSettings, log: Logger) {
  const queue = new Queue<DailyJobData>(REPORTS_QUEUE, { connection: connections.queue, prefix: settings.prefix });
  const reports = settings.reports.filter(isReportName);
  const worker = new Worker<DailyJobData>(
    REPORTS_QUEUE,
    async (job) => {
      const day = dayOfJob(job);
      const outcome = await writeDailyReports(runner, { day, reports, formats: settings.formats, targets: settings.targets }, log.child({ job: job.id }));
      log.info({ day, written: outcome.written.length, skipped: outcome.skipped.length }, 'daily reports done');
      return { day, written: outcome.written.length, skipped: outcome.skipped.length };
    },
    // One day's reports at a time: the replica also serves the gateway's reads.
    { connection: connections.worker, prefix: settings.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) => log.error({ err: error, job: job?.id, attempts: job?.attemptsMade }, 'daily reports failed'));
  return {
    queue,
    worker,
    ready: () => upsertDailySchedule(queue, settings.cron),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
