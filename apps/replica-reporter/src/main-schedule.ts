/**
 * Process entry of the daily reports: a BullMQ job scheduler (REPORTER_DAILY_CRON, Korean time)
 * whose job writes the previous Korean day's reports to REPORTER_DAILY_DIR and/or
 * REPORTER_DAILY_BUCKET, idempotent per day. `node main-schedule.ts --day YYYY-MM-DD` writes one
 * day now (queued like the scheduled job, so it never runs beside it) and exits.
 */
import { S3Client } from '@aws-sdk/client-s3';
import closeWithGrace from 'close-with-grace';
import { createLogger, createRedis, loadConfigOrExit } from '@chucar/platform';
import { parseCalendarDate, type ReportName } from '@chucar/domain';
import { loadReporterConfig } from './config.ts';
import { ReportRefusal } from './guard/refusal.ts';
import type { OutputFormat } from './render/cells.ts';
import { openReplica, runnerSettings } from './reporter-database.ts';
import { ReportRunner } from './reports/report-runner.ts';
import { startDailySchedule } from './schedule/daily-schedule.ts';
import { bucketTarget, folderTarget, type ReportTarget } from './schedule/report-targets.ts';

const config = loadConfigOrExit('replica-reporter-schedule', () => loadReporterConfig());
const log = createLogger(config, 'replica-reporter-schedule');
const dayArgument = process.argv.indexOf('--day') >= 0 ? process.argv[process.argv.indexOf('--day') + 1] : undefined;
if (dayArgument !== undefined && parseCalendarDate(dayArgument) === null) {
  console.error(`report schedule: --day must be a date YYYY-MM-DD, not ${JSON.stringify(dayArgument)}`);
  process.exit(2);
}

const targets: ReportTarget[] = [];
if (config.REPORTER_DAILY_DIR) targets.push(folderTarget(config.REPORTER_DAILY_DIR));
if (config.REPORTER_DAILY_BUCKET) {
  const s3 = new S3Client({
    region: config.REPORTER_S3_REGION,
    forcePathStyle: config.REPORTER_S3_FORCE_PATH_STYLE,
    ...(config.REPORTER_S3_ENDPOINT ? { endpoint: config.REPORTER_S3_ENDPOINT } : {}),
    ...(config.REPORTER_S3_ACCESS_KEY_ID ? { credentials: { accessKeyId: config.REPORTER_S3_ACCESS_KEY_ID, secretAccessKey: config.REPORTER_S3_SECRET_ACCESS_KEY } } : {}),
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  targets.push(bucketTarget(s3, config.REPORTER_DAILY_BUCKET));
}
if (targets.length === 0) {
  console.error('report schedule: set REPORTER_DAILY_DIR or REPORTER_DAILY_BUCKET (or both): the daily reports need somewhere to go');
  process.exit(1);
}

const replica = openReplica(config);
const runner = new ReportRunner(replica, runnerSettings(config), log);
try {
  await runner.checkReplica();
} catch (error) {
  console.error(`report schedule: ${error instanceof ReportRefusal ? error.message : String(error)}`);
  await replica.close();
  process.exit(1);
}
const schedule = startDailySchedule(
  { queue: createRedis(config, 'producer', log), worker: createRedis(config, 'worker', log) },
  runner,
  { cron: config.REPORTER_DAILY_CRON, reports: config.REPORTER_DAILY_REPORTS as ReportName[], formats: config.REPORTER_DAILY_FORMATS as OutputFormat[], targets, prefix: config.REPORTER_QUEUE_PREFIX },
  log,
);
await schedule.ready();
log.info({ cron: config.REPORTER_DAILY_CRON, timeZone: 'Asia/Seoul', targets: targets.map((target) => target.name) }, 'daily reports scheduled');

closeWithGrace({ delay: 30_000 }, async () => {
  await schedule.close();
  await replica.close();
});

if (dayArgument !== undefined) {
  // Under its own job id: writing the same day again is harmless (files that exist are skipped).
  const job = await schedule.queue.add('daily', { day: dayArgument }, { jobId: `manual-${dayArgument}-${Date.now()}`, removeOnComplete: true, removeOnFail: 100 });
  const events = new (await import('bullmq')).QueueEvents(schedule.queue.name, { connection: createRedis(config, 'worker', log), prefix: config.REPORTER_QUEUE_PREFIX });
  try {
    const outcome = await job.waitUntilFinished(events, 10 * 60_000);
    console.log(JSON.stringify(outcome));
  } finally {
    await events.close();
    await schedule.close();
    await replica.close();
  }
  process.exit(0);
}
