import { Queue, Worker, type Job, type QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isReportName, parseCalendarDate, type CalendarDate, type ReportName } from '@chucar/domain';
import type { ReportFormat } from '@chucar/contracts';
import type { ReportRunner } from '../reports/report-runner.ts';
import { previousKstDay, writeDailyReports } from './daily-reports.ts';
import type { ReportTarget } from './report-targets.ts';

export const REPORTS_QUEUE = 'reports';
export const DAILY_SCHEDULER_ID = 'daily-reports';
const DAILY_JOB = 'daily';

/** `day` names a Korean day to (re)write; without it, the day before the run's scheduled time. */
export type DailyJobData = { day?: string };

export type DailyScheduleSettings = { cron: string; reports: readonly ReportName[]; formats: readonly ReportFormat[]; targets: readonly ReportTarget[]; prefix: string };

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

/** Told when a run of the daily job ends; `day` is null when the job named no day that exists. */
export type DailyRunListener = (outcome: 'succeeded' | 'failed', day: CalendarDate | null, endedAt: Date) => void;

export function startDailySchedule(connections: { queue: Redis; worker: Redis }, runner: ReportRunner, settings: DailyScheduleSettings, log: Logger, onRunEnd: DailyRunListener = () => undefined) {
  const queue = new Queue<DailyJobData>(REPORTS_QUEUE, { connection: connections.queue, prefix: settings.prefix });
  const reports = settings.reports.filter(isReportName);
  const worker = new Worker<DailyJobData>(
    REPORTS_QUEUE,
    async (job) => {
      let day: CalendarDate | null = null;
      try {
        day = dayOfJob(job);
        const outcome = await writeDailyReports(runner, { day, reports, formats: settings.formats, targets: settings.targets }, log.child({ job: job.id }));
        log.info({ day, written: outcome.written.length, skipped: outcome.skipped.length }, 'daily reports done');
        onRunEnd('succeeded', day, new Date());
        return { day, written: outcome.written.length, skipped: outcome.skipped.length };
      } catch (error) {
        // Counted before the job is marked failed in Redis, so whoever waits on it sees the count.
        onRunEnd('failed', day, new Date());
        const attempt = job.attemptsMade + 1;
        const attempts = job.opts.attempts ?? 1;
        const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
        log.error({ err: error, day, job: job.id, attempt, attempts }, `daily reports for ${day ?? JSON.stringify(job.data.day)} failed${attempt < attempts ? ' (will be retried)' : ''}: ${reason}`);
        throw error;
      }
    },
    // One day's reports at a time: the replica also serves the gateway's reads.
    { connection: connections.worker, prefix: settings.prefix, concurrency: 1 },
  );
  // Redis going away surfaces here; without a listener BullMQ prints each error raw on stderr, outside the log.
  worker.on('error', (error) => log.warn({ err: error }, 'daily reports worker error'));
  queue.on('error', (error) => log.warn({ err: error }, 'daily reports queue error'));
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

/**
 * Writes one day now, queued like the scheduled job so it never runs beside it, and resolves with
 * the job's outcome once a worker (this process's or another's on the same queue) has run it.
 */
export async function runDayNow(queue: Queue<DailyJobData>, day: CalendarDate, events: QueueEvents, timeoutMs: number): Promise<unknown> {
  // Under its own job id: writing the same day again is harmless (files that exist are skipped).
  const job = await queue.add(DAILY_JOB, { day }, { jobId: `manual-${day}-${Date.now()}`, removeOnComplete: true, removeOnFail: 100 });
  return job.waitUntilFinished(events, timeoutMs);
}
