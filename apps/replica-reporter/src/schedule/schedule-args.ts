import { parseArgs } from 'node:util';
import { parseCalendarDate, type CalendarDate } from '@chucar/domain';
import { UsageError } from '../cli/cli-args.ts';

export type ScheduleArgs = { kind: 'help' } | { kind: 'serve' } | { kind: 'one-day'; day: CalendarDate };

export const SCHEDULE_USAGE = `Usage: npm run report:daily [-- --day YYYY-MM-DD]

  (no flag)          run the daily job scheduler (REPORTER_DAILY_CRON, Korean time) until stopped,
                     with /metrics and /health on REPORTER_HOST:REPORTER_SCHEDULE_PORT
  --day YYYY-MM-DD   write that Korean day's reports now (queued like the scheduled job) and exit
  -h, --help         this help

Exit 0 done, 1 refused or failed, 2 bad usage (one line on stderr, nothing read).`;

/** Strict: an unknown flag, a missing value or a date that does not exist is a UsageError. */
export function parseScheduleArgs(argv: readonly string[]): ScheduleArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { day: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) return { kind: 'help' };
  if (values.day === undefined) return { kind: 'serve' };
  const day = parseCalendarDate(values.day);
  if (day === null) throw new UsageError(`--day must be a date YYYY-MM-DD, not ${JSON.stringify(values.day)}`);
  return { kind: 'one-day', day };
}
