import type { Logger } from 'pino';
import { addCalendarDays, kstDayOf, type CalendarDate, type ReportName } from '@chucar/domain';
import type { ReportFormat } from '@chucar/contracts';
import { CONTENT_TYPES, FILE_EXTENSIONS, renderReport } from '../render/render.ts';
import type { ReportRunner } from '../reports/report-runner.ts';
import { allRows } from '../reports/report-rows.ts';
import type { ReportTarget } from './report-targets.ts';

/** The Korean day before the one `instant` falls on: what a run just after midnight in Seoul reports. */
export function previousKstDay(instant: Date): CalendarDate {
  return addCalendarDays(kstDayOf(instant), -1);
}

/** `daily/2026-11-25/volume-2026-11-25.csv`: one folder per day, names that still say what they are once downloaded. */
export function dailyReportKey(day: CalendarDate, report: ReportName, format: ReportFormat): string {
  return `daily/${day}/${report}-${day}.${FILE_EXTENSIONS[format]}`;
}

export type DailyRun = { day: CalendarDate; reports: readonly ReportName[]; formats: readonly ReportFormat[]; targets: readonly ReportTarget[] };

/**
 * Writes each report of `day` in each format to each target, skipping what a target already has:
 * a retried or repeated run for the same day writes nothing twice, and a run cut short is finished
 * by the next. A report is computed only if some target still lacks one of its files.
 */
export async function writeDailyReports(runner: ReportRunner, run: DailyRun, log: Logger): Promise<{ written: string[]; skipped: string[] }> {
  const written: string[] = [];
  const skipped: string[] = [];
  for (const report of run.reports) {
    const missing: { target: ReportTarget; format: ReportFormat; key: string }[] = [];
    for (const format of run.formats) {
      const key = dailyReportKey(run.day, report, format);
      for (const target of run.targets) {
        if ((await target.writtenAt(key)) !== null) skipped.push(`${target.name}: ${key}`);
        else missing.push({ target, format, key });
      }
    }
    if (missing.length === 0) continue;
    const computing = await runner.run(report, { from: run.day, to: run.day, granularity: 'day' });
    // One day's rows, rendered in several formats: read once, kept in hand.
    const result = { ...computing, rows: await allRows(computing.rows) };
    for (const { target, format, key } of missing) {
      let text = '';
      for await (const chunk of renderReport(result, format, { bom: true })) text += chunk;
      await target.write(key, Buffer.from(text, 'utf8'), CONTENT_TYPES[format]);
      written.push(`${target.name}: ${key}`);
    }
    log.info({ day: run.day, report, dataAsOf: result.header.dataAsOf, replicaLagSeconds: result.header.replicaLagSeconds }, 'daily report written');
  }
  return { written, skipped };
}

/** When the last of `day`'s files was written (when the run that completed the day ended), or null while one is missing. */
async function dayCompletedAt(run: Omit<DailyRun, 'day'>, day: CalendarDate): Promise<Date | null> {
  let last = new Date(0);
  for (const report of run.reports) {
    for (const format of run.formats) {
      for (const target of run.targets) {
        const writtenAt = await target.writtenAt(dailyReportKey(day, report, format));
        if (writtenAt === null) return null;
        if (writtenAt > last) last = writtenAt;
      }
    }
  }
  return last;
}

/**
 * The newest of the `lookbackDays` days up to `newest` whose every file is in every target, or null.
 * A day is passed at its first missing file, so targets that hold nothing cost one look per day.
 */
export async function findNewestCompleteDay(run: Omit<DailyRun, 'day'>, newest: CalendarDate, lookbackDays: number): Promise<{ day: CalendarDate; completedAt: Date } | null> {
  for (let back = 0; back < lookbackDays; back += 1) {
    const day = addCalendarDays(newest, -back);
    const completedAt = await dayCompletedAt(run, day);
    if (completedAt !== null) return { day, completedAt };
  }
  return null;
}
