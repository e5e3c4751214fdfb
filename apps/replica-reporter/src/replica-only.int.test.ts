import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Connection } from 'mysql2/promise';
import { REPORT_NAMES } from '@chucar/domain';
import { connectAs, connectWithoutDatabase, localStackSettings, unusedLoopbackPort } from '@chucar/platform/testing';
import { REPORT_FORMATS } from '@chucar/contracts';
import { buildApp } from './app.ts';
import { runCli } from './cli/run-cli.ts';
import { runCliProcess, runEntry } from './testing/cli-process.ts';
import { writeReportDataset } from './testing/report-dataset.ts';
import { reporterTestConfig, reporterTestEnv } from './testing/reporter-test-config.ts';
import { accessToken } from './testing/tokens.ts';

const range = ['--from', '2024-02-26', '--to', '2024-03-10'];
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const primaryPort = String(localStackSettings().DB_PRIMARY_PORT);

/**
 * The proof that reports read the replica only: with the primary's general log on, every report runs through
 * every interface, and the log holds not one statement from the reporter's account, while a
 * probe connection of that same account to the primary does show up (so the log was recording).
 */
describe('the reporter never touches the primary (real servers, general log)', () => {
  let admin: Connection;
  let app: FastifyInstance;
  let logWasOn = false;

  beforeAll(async () => {
    await writeReportDataset();
    admin = await connectWithoutDatabase('admin', 'primary');
    app = await buildApp(reporterTestConfig(), { logger: false });
  });
  afterAll(async () => {
    if (logWasOn) await admin.query('SET GLOBAL general_log = 0');
    await admin?.end();
    await app?.close();
  });

  it('finds zero reporter statements on the primary after every report via CLI and HTTP', async () => {
    const [[{ outputs }]] = (await admin.query("SELECT @@global.log_output AS outputs")) as unknown as [[{ outputs: string }]];
    expect(outputs).toContain('TABLE');
    const [[{ startedAt }]] = (await admin.query('SELECT NOW(6) AS startedAt')) as unknown as [[{ startedAt: Date }]];
    await admin.query('SET GLOBAL general_log = 1');
    logWasOn = true;
    let probeThreadId: number;
    try {
      // The probe: the reporter's account on the primary, which the log must show.
      const probe = await connectAs('reporter', 'primary');
      probeThreadId = probe.threadId!;
      await probe.query("SELECT 'reporter general-log probe'");
      await probe.end();

      const token = accessToken(reporterTestConfig(), 'analyst');
      expect((await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      for (const name of REPORT_NAMES) {
        for (const format of REPORT_FORMATS) {
          const answer = await app.inject({ method: 'GET', url: `/reports/${name}?from=2024-02-26&to=2024-03-10&granularity=week&format=${format}`, headers: { authorization: `Bearer ${token}` } });
          expect(answer.statusCode, `${name} ${format}: ${answer.body.slice(0, 200)}`).toBe(200);
        }
        const stderr: string[] = [];
        const code = await runCli([name, ...range, '--format', 'json'], { stdout: sink(), stderr: new Writable({ write: (chunk, _encoding, done) => (stderr.push(String(chunk)), done()) }), env: reporterTestEnv() });
        expect(code, stderr.join('')).toBe(0);
      }
      // And the CLI as the process analysts run.
      const process = await runCliProcess(['volume', ...range, '--format', 'csv'], reporterTestEnv());
      expect(process.code, process.stderr).toBe(0);
      expect(process.stdout).toContain('dataAsOf=');
    } finally {
      await admin.query('SET GLOBAL general_log = 0');
      logWasOn = false;
    }
    const [rows] = (await admin.query("SELECT thread_id AS threadId, command_type AS command, argument FROM mysql.general_log WHERE event_time >= ? AND user_host LIKE 'chucar\\_reporter[%'", [startedAt])) as unknown as [
      { threadId: number; command: string; argument: Buffer | string }[],
    ];
    const probeLines = rows.filter((row) => Number(row.threadId) === probeThreadId);
    const reporterLines = rows.filter((row) => Number(row.threadId) !== probeThreadId).map((row) => `${row.command}: ${String(row.argument)}`);
    expect(probeLines.map((row) => String(row.argument))).toContain("SELECT 'reporter general-log probe'");
    expect(reporterLines).toEqual([]);
  });
});

describe('pointed at anything but a read-only replica, it refuses (real servers)', () => {
  it('refuses every run against the primary: HTTP 503, readiness 503, CLI exit 1 with one line, server exit 1', async () => {
    const config = reporterTestConfig({ REPORTER_DB_PORT: primaryPort });
    const app = await buildApp(config, { logger: false });
    try {
      const answer = await app.inject({ method: 'GET', url: '/reports/volume?from=2024-02-26&to=2024-03-10', headers: { authorization: `Bearer ${accessToken(config, 'analyst')}` } });
      expect(answer.statusCode).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers['retry-after']).toBeDefined();
      expect(answer.json()).toMatchObject({ status: 503, code: 'not_a_replica', detail: expect.stringMatching(/writable \(@@read_only = 0\)/) });
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { replica: { status: 'down', detail: expect.stringMatching(/writable/) } } });
    } finally {
      await app.close();
    }
    const cli = await runCliProcess(['volume', ...range], reporterTestEnv({ REPORTER_DB_PORT: primaryPort }));
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^report: refusing to report: the server is writable/)]);
    // The HTTP server checks at start too, and does not listen.
    const server = await runEntry('main.ts', [], reporterTestEnv({ REPORTER_DB_PORT: primaryPort, REPORTER_PORT: String(await unusedLoopbackPort()) }));
    expect(server.code).toBe(1);
    expect(server.stderr).toMatch(/^replica-reporter: refusing to report: the server is writable/m);
  });

  it('refuses an account that can write, even on the replica (the app account)', async () => {
    const stack = localStackSettings();
    const cli = await runCliProcess(['volume', ...range], reporterTestEnv({ REPORTER_DB_USER: stack.DB_USER, REPORTER_DB_PASSWORD: stack.DB_PASSWORD }));
    expect(cli.code).toBe(1);
    expect(cli.stderr.trim()).toMatch(/^report: refusing to report: the reporter account holds write privileges \(ALL PRIVILEGES/);
  });

  it('break glass: REPORTER_ALLOW_NON_REPLICA runs it anyway, says so on stderr and in the report', async () => {
    const cli = await runCliProcess(['volume', ...range, '--format', 'json'], reporterTestEnv({ REPORTER_DB_PORT: primaryPort, REPORTER_ALLOW_NON_REPLICA: 'true' }));
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).warnings).toEqual([expect.stringMatching(/^BREAK GLASS: .*writable/)]);
    expect(cli.stderr).toMatch(/BREAK GLASS/);
  });
});
