import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Database } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { openReplica, runnerSettings } from '../reporter-database.ts';
import { ReportRunner } from '../reports/report-runner.ts';
import { writeReportDataset } from '../testing/report-dataset.ts';
import { reporterTestConfig } from '../testing/reporter-test-config.ts';
import { findNewestCompleteDay, writeDailyReports } from './daily-reports.ts';
import { DAILY_SCHEDULER_ID, REPORTS_QUEUE, upsertDailySchedule } from './daily-schedule.ts';
import { bucketTarget, folderTarget } from './report-targets.ts';

const config = reporterTestConfig();
const s3 = new S3Client({
  region: config.REPORTER_S3_REGION,
  endpoint: config.REPORTER_S3_ENDPOINT,
  forcePathStyle: true,
  credentials: { accessKeyId: config.REPORTER_S3_ACCESS_KEY_ID, secretAccessKey: config.REPORTER_S3_SECRET_ACCESS_KEY },
  requestHandler: { requestTimeout: 10_000, connectionTimeout: 5_000 },
  requestChecksumCalculation: 'WHEN_REQUIRED',
});

describe('daily reports to a folder and a bucket, idempotent per day (real replica, S3 and Redis)', () => {
  const bucket = `chucar-reports-test-${randomBytes(4).toString('hex')}`;
  let dir: string;
  let replica: Database<Schema>;
  let runner: ReportRunner;

  beforeAll(async () => {
    await writeReportDataset();
    dir = await mkdtemp(path.join(os.tmpdir(), 'daily-reports-'));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    replica = openReplica(config);
    runner = new ReportRunner(replica, runnerSettings(config), pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await replica?.close();
    await rm(dir, { recursive: true, force: true });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });

  it('writes each report and format once per day, and a repeated run writes nothing again', async () => {
    const targets = [folderTarget(dir), bucketTarget(s3, bucket)];
    const run = { day: '2024-02-26', reports: ['volume', 'media'] as const, formats: ['csv', 'html'] as const, targets };
    const first = await writeDailyReports(runner, run, pino({ level: 'silent' }));
    expect(first.written).toHaveLength(8);
    expect(first.skipped).toEqual([]);

    const file = path.join(dir, 'daily/2024-02-26/volume-2024-02-26.csv');
    const csv = await readFile(file, 'utf8');
    // R1, created 00:00 KST that day, with its two quotes.
    expect(csv.split('\r\n').slice(0, 3)).toEqual([expect.stringMatching(/^\uFEFF# 견적 요청·견적 건수 \(volume\) 2024-02-26 ~ 2024-02-26 · 일 단위 .* dataAsOf=/), '기간,견적 요청,받은 견적,요청당 견적', '2024-02-26,1,2,2']);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'daily/2024-02-26/volume-2024-02-26.csv' }));
    expect(object.ContentType).toMatch(/^text\/csv/);
    expect(await object.Body!.transformToString('utf8')).toBe(csv);
    expect(await readFile(path.join(dir, 'daily/2024-02-26/media-2024-02-26.html'), 'utf8')).toContain('데이터 기준 시각');

    const writtenAt = (await stat(file)).mtimeMs;
    const second = await writeDailyReports(runner, run, pino({ level: 'silent' }));
    expect(second.written).toEqual([]);
    expect(second.skipped).toHaveLength(8);
    expect((await stat(file)).mtimeMs).toBe(writtenAt);

    // A run cut short is finished by the next one: only what is missing is written.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'daily/2024-02-26/media-2024-02-26.html' }));
    const third = await writeDailyReports(runner, run, pino({ level: 'silent' }));
    expect(third.written).toEqual([`bucket ${bucket}: daily/2024-02-26/media-2024-02-26.html`]);
  });

  it('finds the newest day every target holds whole, and when its last file was written', async () => {
    const targets = [folderTarget(dir), bucketTarget(s3, bucket)];
    const reports = { reports: ['conversion'] as const, formats: ['csv', 'json'] as const, targets };
    const startedMs = Date.now();
    await writeDailyReports(runner, { ...reports, day: '2024-02-27' }, pino({ level: 'silent' }));
    // From 2024-03-01 back: three days with nothing, then 02-27.
    const newest = await findNewestCompleteDay(reports, '2024-03-01', 7);
    expect(newest?.day).toBe('2024-02-27');
    // S3's Last-Modified has whole seconds.
    expect(newest!.completedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(startedMs / 1000) * 1000);
    expect(newest!.completedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await findNewestCompleteDay(reports, '2024-03-01', 3)).toBeNull();

    // One file missing from one target: the day is not complete.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'daily/2024-02-27/conversion-2024-02-27.json' }));
    expect(await findNewestCompleteDay(reports, '2024-02-27', 1)).toBeNull();
  });

  it('keeps one job scheduler, in Korean time, however often it is upserted', async () => {
    const prefix = `reportstest${randomBytes(3).toString('hex')}`;
    const queue = new Queue(REPORTS_QUEUE, { connection: { host: config.REDIS_HOST, port: config.REDIS_PORT, ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}) }, prefix });
    try {
      await upsertDailySchedule(queue, '30 0 * * *');
      await upsertDailySchedule(queue, '30 0 * * *');
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual([expect.objectContaining({ key: DAILY_SCHEDULER_ID, pattern: '30 0 * * *', tz: 'Asia/Seoul' })]);
      // Its first job is due at 00:30 in Seoul, 15:30 UTC.
      const [delayed] = await queue.getDelayed();
      expect(new Date(delayed!.timestamp + (delayed!.delay ?? 0)).toISOString()).toMatch(/T15:30:00\.000Z$/);
    } finally {
      // Only this test's own prefix: nothing else in the shared Redis is touched.
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
