/**
 * Process entry of the daily reports: a BullMQ job scheduler (REPORTER_DAILY_CRON, Korean time)
 * whose job writes the previous Korean day's reports to REPORTER_DAILY_DIR and/or
 * REPORTER_DAILY_BUCKET, idempotent per day, with /metrics and /health on REPORTER_SCHEDULE_PORT.
 * `--day YYYY-MM-DD` writes one day now (queued like the scheduled job, so it never runs beside
 * it) and exits without listening. Flags: schedule/schedule-args.ts.
 */
import closeWithGrace from 'close-with-grace';
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { UsageError } from './cli/cli-args.ts';
import { loadReporterConfig } from './config.ts';
import { ReportRefusal } from './guard/refusal.ts';
import { createDailyScheduler } from './schedule/daily-scheduler.ts';
import { SCHEDULE_USAGE, parseScheduleArgs, type ScheduleArgs } from './schedule/schedule-args.ts';

let args: ScheduleArgs;
try {
  args = parseScheduleArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`report schedule: ${error.message} (npm run report:daily -- --help)`);
  process.exit(2);
}
if (args.kind === 'help') {
  console.log(SCHEDULE_USAGE);
  process.exit(0);
}

const config = loadConfigOrExit('replica-reporter-schedule', () => loadReporterConfig());
const scheduler = await createDailyScheduler(config).catch((error: unknown) => {
  console.error(`report schedule: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

try {
  await scheduler.runner.checkReplica();
} catch (error) {
  const reason = error instanceof ReportRefusal ? error.message : String(error);
  // A server that is not the replica is a setting to fix. An unreachable replica is an outage the
  // long-running scheduler waits out: readiness says degraded and each run fails, counted, until it is back.
  if (args.kind === 'one-day' || !(error instanceof ReportRefusal && error.code === 'replica_unreachable')) {
    console.error(`report schedule: ${reason}`);
    await scheduler.close();
    process.exit(1);
  }
  scheduler.app.log.error({ err: error }, `starting without the replica: ${reason}`);
}
await scheduler.start();

if (args.kind === 'one-day') {
  closeWithGrace({ delay: 30_000 }, () => scheduler.close());
  let exitCode = 0;
  try {
    console.log(JSON.stringify(await scheduler.writeDay(args.day)));
  } catch (error) {
    console.error(`report schedule: the reports of ${args.day} failed: ${error instanceof Error ? error.message : String(error)}`);
    exitCode = 1;
  } finally {
    await scheduler.close();
  }
  process.exit(exitCode);
}

// A running day's reports get this long to finish on SIGTERM; one cut short runs again.
await serveUntilSignalled(scheduler.app, { host: config.REPORTER_HOST, port: config.REPORTER_SCHEDULE_PORT }, 30_000);
