import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import mysql, { type Connection } from 'mysql2/promise';
import { REPORT_NAMES } from '@chucar/domain';
import { connectAs, connectWithoutDatabase, localStackSettings, prepareClusterTestDatabase, unusedLoopbackPort } from '@chucar/platform/testing';
import { REPORT_FORMATS } from '@chucar/contracts';
import { buildApp } from './app.ts';
import { runCli } from './cli/run-cli.ts';
import { runCliProcess, runEntry } from './testing/cli-process.ts';
import { writeReportDataset } from './testing/report-dataset.ts';
import { reporterTestConfig, reporterTestEnv } from './testing/reporter-test-config.ts';
import { accessToken } from './testing/tokens.ts';
import type { ReporterConfig } from './config.ts';

const range = ['--from', '2024-02-26', '--to', '2024-03-10'];
const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const primaryPort = String(localStackSettings().DB_PRIMARY_PORT);

/** Every report through every interface: HTTP in every format, the CLI in this process, and the CLI as the process analysts run. */
async function runEveryReport(app: FastifyInstance, config: ReporterConfig, env: Record<string, string | undefined>, period: { from: string; to: string }): Promise<void> {
  const token = accessToken(config, 'analyst');
  const cliRange = ['--from', period.from, '--to', period.to];
  expect((await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  for (const name of REPORT_NAMES) {
    for (const format of REPORT_FORMATS) {
      const answer = await app.inject({ method: 'GET', url: `/reports/${name}?from=${period.from}&to=${period.to}&granularity=week&format=${format}`, headers: { authorization: `Bearer ${token}` } });
      expect(answer.statusCode, `${name} ${format}: ${answer.body.slice(0, 200)}`).toBe(200);
    }
    const stderr: string[] = [];
    const code = await runCli([name, ...cliRange, '--format', 'json'], { stdout: sink(), stderr: new Writable({ write: (chunk, _encoding, done) => (stderr.push(String(chunk)), done()) }), env });
    expect(code, stderr.join('')).toBe(0);
  }
  const process = await runCliProcess(['volume', ...cliRange, '--format', 'csv'], env);
  expect(process.code, process.stderr).toBe(0);
  expect(process.stdout).toContain('dataAsOf=');
}

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

      await runEveryReport(app, reporterTestConfig(), reporterTestEnv(), { from: '2024-02-26', to: '2024-03-10' });
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

/**
 * The same proof on the Galera tier, as npm start runs it: the reporter reads the statistics
 * replica, and the general log of every Galera node holds not one statement from the reporter's
 * account while every report runs on demo data seeded on the cluster, though a probe of that
 * account on each node shows up (so each log was recording) and the statistics replica's log shows
 * the reports' statements (so they ran).
 */
describe('the reporter on the statistics replica never touches a Galera node (real servers, general log on every node)', () => {
  const stack = localStackSettings();
  const database = 'chucar_report_cluster_test';
  const config = reporterTestConfig({ REPORTER_DB_PORT: String(stack.DB_STATISTICS_PORT), REPORTER_DB_NAME: database });
  const env = reporterTestEnv({ REPORTER_DB_PORT: String(stack.DB_STATISTICS_PORT), REPORTER_DB_NAME: database });
  const servers = [...stack.DB_GALERA_PORTS.map((port, index) => ({ name: `galera-${index + 1}`, port })), { name: 'statistics', port: stack.DB_STATISTICS_PORT }];
  const connectAsAdmin = (port: number) => mysql.createConnection({ host: '127.0.0.1', port, user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
  let app: FastifyInstance;

  beforeAll(async () => {
    await prepareClusterTestDatabase(database, { requests: 300, customers: 100, dealers: 20 });
    // The demo data reaches the statistics replica through the node it follows.
    const writer = await connectAsAdmin(stack.DB_GALERA_PORTS[0]!);
    const statistics = await connectAsAdmin(stack.DB_STATISTICS_PORT);
    try {
      const [[{ position }]] = (await writer.query('SELECT @@global.gtid_binlog_pos AS position')) as unknown as [[{ position: string }]];
      const [[{ reached }]] = (await statistics.query({ sql: 'SELECT MASTER_GTID_WAIT(?, 30) AS reached', values: [position], timeout: 40_000 })) as unknown as [[{ reached: number }]];
      expect(Number(reached), `the statistics replica reached ${position}`).toBe(0);
    } finally {
      await writer.end();
      await statistics.end();
    }
    app = await buildApp(config, { logger: false });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
  });

  it('finds zero reporter statements on galera-1, -2 and -3 after every report via CLI and HTTP, and the reports\' statements on the statistics replica', async () => {
    const admins = await Promise.all(servers.map((server) => connectAsAdmin(server.port)));
    const outputsBefore: string[] = [];
    const startedAt: Date[] = [];
    const probeThreadIds: number[] = [];
    try {
      for (const admin of admins) {
        const [[{ outputs, now }]] = (await admin.query('SELECT @@global.log_output AS outputs, NOW(6) AS now')) as unknown as [[{ outputs: string; now: Date }]];
        outputsBefore.push(outputs);
        startedAt.push(now);
        // The nodes log to a file by default; the table carries each statement's account.
        await admin.query("SET GLOBAL log_output = 'TABLE'");
        await admin.query('SET GLOBAL general_log = 1');
      }
      try {
        // The probe: the reporter's account on each Galera node, which its log must show.
        for (const { port } of servers.slice(0, -1)) {
          const probe = await mysql.createConnection({ host: '127.0.0.1', port, user: stack.DB_REPORTER_USER, password: stack.DB_REPORTER_PASSWORD, database, connectTimeout: 5000 });
          probeThreadIds.push(probe.threadId!);
          await probe.query("SELECT 'reporter general-log probe'");
          await probe.end();
        }
        const today = new Date();
        const daysAgo = (days: number) => new Date(today.getTime() - days * 86_400_000).toISOString().slice(0, 10);
        await runEveryReport(app, config, env, { from: daysAgo(60), to: daysAgo(1) });
      } finally {
        for (const [index, admin] of admins.entries()) {
          await admin.query('SET GLOBAL general_log = 0');
          await admin.query('SET GLOBAL log_output = ?', [outputsBefore[index]]);
        }
      }
      const reporterLinesOn = async (index: number) => {
        const [rows] = (await admins[index]!.query("SELECT thread_id AS threadId, command_type AS command, argument FROM mysql.general_log WHERE event_time >= ? AND user_host LIKE 'chucar\\_reporter[%'", [startedAt[index]])) as unknown as [
          { threadId: number; command: string; argument: Buffer | string }[],
        ];
        return rows.map((row) => ({ threadId: Number(row.threadId), line: `${row.command}: ${String(row.argument)}` }));
      };
      const counts: string[] = [];
      for (const [index, server] of servers.slice(0, -1).entries()) {
        const lines = await reporterLinesOn(index);
        expect(lines.filter((line) => line.threadId === probeThreadIds[index]).map((line) => line.line), `${server.name} logged the probe`).toContain("Query: SELECT 'reporter general-log probe'");
        const reporterLines = lines.filter((line) => line.threadId !== probeThreadIds[index]).map((line) => line.line);
        expect(reporterLines, `reporter statements on ${server.name}`).toEqual([]);
        counts.push(`${server.name} ${reporterLines.length}`);
      }
      const onStatistics = await reporterLinesOn(servers.length - 1);
      console.log(`reporter statements in the general logs while every report ran: ${counts.join(', ')}; statistics replica ${onStatistics.length}`);
      expect(onStatistics.filter((line) => /^Query: .*\bFROM\b/i.test(line.line)).length).toBeGreaterThan(REPORT_NAMES.length);
    } finally {
      await Promise.all(admins.map((admin) => admin.end()));
    }
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
