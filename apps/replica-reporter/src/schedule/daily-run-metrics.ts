import { Counter, Gauge, type Registry } from 'prom-client';
import type { CalendarDate } from '@chucar/domain';

export type DailyRunOutcome = 'succeeded' | 'failed';

export interface DailyRunMetrics {
  /** A run of the daily job ended; `day` is null when the job named no day that exists. */
  recordRun(outcome: DailyRunOutcome, day: CalendarDate | null, endedAt: Date): void;
  /** What the targets held at start: their newest complete day and when its last file was written. */
  seedNewestCompleteDay(day: CalendarDate, completedAt: Date): void;
  readonly newestCompleteDay: CalendarDate | null;
}

const seconds = (instant: Date) => instant.getTime() / 1000;

/**
 * The scheduler's run metrics, which the ScheduledReportFailed and ScheduledReportMissing alerts
 * read. The last-success time is when the newest day became complete: re-running that day or
 * backfilling an older one (`--day`) must not hide that the latest day is still missing, so only
 * a success for a newer day, and no older than `countsFrom`, moves it.
 */
export function registerDailyRunMetrics(registry: Registry, options: { countsFrom: CalendarDate }): DailyRunMetrics {
  const runs = new Counter({
    name: 'reporter_daily_runs_total',
    help: 'Runs of the daily reports job by outcome (succeeded, failed); each attempt BullMQ makes counts',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Both series exist from the start, so rate() and increase() see the first failure as one.
  for (const outcome of ['succeeded', 'failed'] as const) runs.inc({ outcome }, 0);
  const lastSuccess = new Gauge({
    name: 'reporter_daily_last_success_timestamp_seconds',
    help: "Unix time the newest day's daily reports were completed by a successful run (seeded at start from the targets; 0 while none is known)",
    registers: [registry],
  });
  const lastRun = new Gauge({
    name: 'reporter_daily_last_run_timestamp_seconds',
    help: 'Unix time the last run of the daily reports job ended, whatever its outcome (0 before the first)',
    registers: [registry],
  });
  lastSuccess.set(0);
  lastRun.set(0);

  let newestCompleteDay: CalendarDate | null = null;
  const completes = (day: CalendarDate, at: Date) => {
    if (day < options.countsFrom || (newestCompleteDay !== null && day <= newestCompleteDay)) return;
    newestCompleteDay = day;
    lastSuccess.set(seconds(at));
  };
  return {
    recordRun(outcome, day, endedAt) {
      runs.inc({ outcome });
      lastRun.set(seconds(endedAt));
      if (outcome === 'succeeded' && day !== null) completes(day, endedAt);
    },
    seedNewestCompleteDay: completes,
    get newestCompleteDay() {
      return newestCompleteDay;
    },
  };
}
