import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Queue, QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeRedisKeys, startServiceProcess, testDatabaseName, unusedLoopbackPort, type ServiceProcess } from '@chucar/platform/testing';
import { runEntry } from '../testing/cli-process.ts';
import { reporterTestConfig, reporterTestEnv } from '../testing/reporter-test-config.ts';
import { previousKstDay } from './daily-reports.ts';
import { createDailyScheduler, type DailyScheduler } from './daily-scheduler.ts';
import { REPORTS_QUEUE, runDayNow, type DailyJobData } from './daily-schedule.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
/** Queues of this file only, under prefixes nothing else uses; their keys are removed at the end. */
const prefixes: string[] = [];
function ownPrefix(): string {
  const prefix = `reportsched${randomBytes(3).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
}

/** One quick report in one format, a cron that does not come round during the test, a queue of its own. */
function scheduleEnv(dailyDir: string, overrides: Record<string, string> = {}): Record<string, string> {
  return { REPORTER_DAILY_DIR: dailyDir, REPORTER_DAILY_BUCKET: '', REPORTER_DAILY_REPORTS: 'volume', REPORTER_DAILY_FORMATS: 'csv', REPORTER_DAILY_CRON: '0 0 1 1 *', REPORTER_QUEUE_PREFIX: ownPrefix(), ...overrides };
}

function capturingLogger() {
  const lines: { level: number; msg: string; day?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** The value of one series in a Prometheus text answer, or undefined when it is absent. */
function sample(metricsText: string, series: string): number | undefined {
  const line = metricsText.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const FAILED = 'reporter_daily_runs_total{outcome="failed"}';
const SUCCEEDED = 'reporter_daily_runs_total{outcome="succeeded"}';
const LAST_SUCCESS = 'reporter_daily_last_success_timestamp_seconds';
const LAST_RUN = 'reporter_daily_last_run_timestamp_seconds';

describe('the daily-report scheduler counts its runs on /metrics (real replica and Redis)', () => {
  const day = previousKstDay(new Date());
  let dir: string;
  let scheduler: DailyScheduler | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'daily-scheduler-'));
  });
  afterEach(async () => {
    await scheduler?.close();
    scheduler = undefined;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    for (const prefix of prefixes) await removeRedisKeys(prefix);
  });

  async function metricsOf(running: DailyScheduler): Promise<string> {
    const answer = await running.app.inject({ method: 'GET', url: '/metrics' });
    expect(answer.statusCode).toBe(200);
    return answer.body;
  }

  it('a run whose target cannot be written counts as failed and is logged at error level with the day and the reason', async () => {
    const notAFolder = path.join(dir, 'not-a-folder');
    await writeFile(notAFolder, 'a file where the reports folder should be');
    const { logger, lines } = capturingLogger();
    scheduler = await createDailyScheduler(reporterTestConfig(scheduleEnv(notAFolder)), { logger });
    await scheduler.start();
    const before = await metricsOf(scheduler);
    expect([sample(before, FAILED), sample(before, SUCCEEDED), sample(before, LAST_SUCCESS), sample(before, LAST_RUN)]).toEqual([0, 0, 0, 0]);

    const startedS = Date.now() / 1000;
    await expect(scheduler.writeDay(day)).rejects.toThrow(/ENOTDIR/);
    const after = await metricsOf(scheduler);
    expect(sample(after, FAILED)).toBe(1);
    expect(sample(after, SUCCEEDED)).toBe(0);
    expect(sample(after, LAST_SUCCESS)).toBe(0);
    expect(sample(after, LAST_RUN)).toBeGreaterThanOrEqual(startedS);
    expect(sample(after, LAST_RUN)).toBeLessThanOrEqual(Date.now() / 1000);

    const errors = lines.filter((line) => line.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ day, msg: expect.stringMatching(new RegExp(`^daily reports for ${day} failed: ENOTDIR`)) })]);
  });

  it('a run that writes the day counts as succeeded and sets the last-success time; a scheduler started later reads it back from the folder', async () => {
    const folder = path.join(dir, 'reports');
    const env = scheduleEnv(folder);
    scheduler = await createDailyScheduler(reporterTestConfig(env), { logger: pino({ level: 'silent' }) });
    await scheduler.start();
    const startedS = Date.now() / 1000;
    expect(await scheduler.writeDay(day)).toEqual({ day, written: 1, skipped: 0 });
    const endedS = Date.now() / 1000;

    const after = await metricsOf(scheduler);
    expect(sample(after, SUCCEEDED)).toBe(1);
    expect(sample(after, FAILED)).toBe(0);
    expect(sample(after, LAST_SUCCESS)).toBeGreaterThanOrEqual(startedS);
    expect(sample(after, LAST_SUCCESS)).toBeLessThanOrEqual(endedS);
    expect(sample(after, LAST_RUN)).toBe(sample(after, LAST_SUCCESS));
    await scheduler.close();

    // A restart does not forget the last success: it is the time the day's last file was written.
    const written = await stat(path.join(folder, `daily/${day}/volume-${day}.csv`));
    scheduler = await createDailyScheduler(reporterTestConfig({ ...env, REPORTER_QUEUE_PREFIX: ownPrefix() }), { logger: pino({ level: 'silent' }) });
    await scheduler.start();
    const restarted = await metricsOf(scheduler);
    expect(sample(restarted, LAST_SUCCESS)).toBe(written.mtime.getTime() / 1000);
    expect(sample(restarted, SUCCEEDED)).toBe(0);
  });

  it('is ready with the replica and Redis up, and only degraded while either is unreachable', async () => {
    scheduler = await createDailyScheduler(reporterTestConfig(scheduleEnv(dir)), { logger: pino({ level: 'silent' }) });
    await scheduler.start();
    const ready = await scheduler.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      service: 'replica-reporter-schedule',
      status: 'ready',
      checks: { replica: { status: 'up', critical: false, detail: expect.stringMatching(/^read-only replica/) }, redis: { status: 'up', critical: false } },
    });
    await scheduler.close();

    const [nowhereRedis, nowhereReplica] = [await unusedLoopbackPort(), await unusedLoopbackPort()];
    scheduler = await createDailyScheduler(reporterTestConfig(scheduleEnv(dir, { REDIS_PORT: String(nowhereRedis), REPORTER_DB_PORT: String(nowhereReplica) })), { logger: pino({ level: 'silent' }) });
    await scheduler.start();
    const degraded = await scheduler.app.inject({ method: 'GET', url: '/health/ready' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({ status: 'degraded', checks: { replica: { status: 'down', critical: false }, redis: { status: 'down', critical: false, detail: expect.stringMatching(/no daily job is queued or run until Redis is back/) } } });
    const live = await scheduler.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(sample(await metricsOf(scheduler), FAILED)).toBe(0);
  });

  describe('as npm run report:daily runs it (a real process)', () => {
    let server: ServiceProcess | undefined;
    afterAll(() => server?.stop());

    it('serves /metrics over HTTP, counting a failed run of its job; --day runs once and exits without listening', async () => {
      const port = await unusedLoopbackPort();
      const notAFolder = path.join(dir, 'process-not-a-folder');
      await writeFile(notAFolder, '');
      const env = scheduleEnv(notAFolder, { REPORTER_DB_NAME: testDatabaseName, REPORTER_SCHEDULE_PORT: String(port), REPORTER_PORT: String(await unusedLoopbackPort()) });
      server = await startServiceProcess({ name: 'report:daily', entry: path.join(repoRoot, 'apps/replica-reporter/src/main-schedule.ts'), cwd: repoRoot, env, readyUrl: `http://127.0.0.1:${port}/health/ready` });
      const metricsUrl = `http://127.0.0.1:${port}/metrics`;
      const before = await (await fetch(metricsUrl)).text();
      expect([sample(before, FAILED), sample(before, SUCCEEDED), sample(before, LAST_SUCCESS)]).toEqual([0, 0, 0]);

      // The job, queued on the process's own queue as the scheduler or --day would queue it.
      const connection = { host: reporterTestConfig().REDIS_HOST, port: reporterTestConfig().REDIS_PORT };
      const queue = new Queue<DailyJobData>(REPORTS_QUEUE, { connection, prefix: env['REPORTER_QUEUE_PREFIX'] });
      const events = new QueueEvents(REPORTS_QUEUE, { connection, prefix: env['REPORTER_QUEUE_PREFIX'] });
      try {
        await events.waitUntilReady();
        await expect(runDayNow(queue, day, events, 30_000)).rejects.toThrow(/ENOTDIR/);
      } finally {
        await events.close();
        await queue.close();
      }
      const after = await (await fetch(metricsUrl)).text();
      expect([sample(after, FAILED), sample(after, SUCCEEDED), sample(after, LAST_SUCCESS)]).toEqual([1, 0, 0]);

      // On the port the scheduler holds: a one-shot run that tried to listen would fail there.
      const oneDayDir = path.join(dir, 'one-day');
      const oneDay = await runEntry('main-schedule.ts', ['--day', day], reporterTestEnv(scheduleEnv(oneDayDir, { REPORTER_SCHEDULE_PORT: String(port) })));
      expect(oneDay.code, oneDay.stderr).toBe(0);
      expect(JSON.parse(oneDay.stdout.trim().split('\n').at(-1)!)).toEqual({ day, written: 1, skipped: 0 });
      expect((await stat(path.join(oneDayDir, `daily/${day}/volume-${day}.csv`))).size).toBeGreaterThan(0);

      const failedDay = await runEntry('main-schedule.ts', ['--day', day], reporterTestEnv(scheduleEnv(notAFolder)));
      expect(failedDay.code).toBe(1);
      expect(failedDay.stderr.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^report schedule: the reports of ${day} failed: ENOTDIR`))]);
    });

    it('refuses a bad flag or date with one line and exit 2, reading nothing', async () => {
      for (const args of [['--days', '2026-02-28'], ['--day', '2026-02-30'], ['--day']]) {
        // A replica that does not exist: a usage error must come before any connection.
        const run = await runEntry('main-schedule.ts', args, reporterTestEnv({ REPORTER_DB_PORT: String(await unusedLoopbackPort()) }));
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trim().split('\n'), args.join(' ')).toEqual([expect.stringMatching(/^report schedule: /)]);
      }
    });
  });
});
