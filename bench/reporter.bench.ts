/**
 * `npm run bench -- reporter`: each report on the replica against the same SQL streamed raw
 * through mysql2 in the same run (target ≤ 1.3x), and the reporter CLI's peak RSS on a dataset ten
 * times smaller against the full one (target ≤ 1.3x: memory must not grow with the data).
 *
 * Datasets are seeded with the demo seeder into databases of their own and kept between runs.
 * REPORTER_BENCH_REQUESTS sets the large one (default 100,000; the 1,000,000 takes about
 * three minutes to seed and is what the README's figures use when stated); the small one is a tenth.
 * The comparison runs in a process of the reporter's own (apps/replica-reporter/src/bench/), since
 * the bench may not import an app.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import mysql from 'mysql2/promise';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { REPORT_NAMES, type ReportName } from '@chucar/domain';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { httpAnswers, waitUntil } from '../tools/stack/processes.ts';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../tools/db/seed/generate-accounts.ts';
import { prepareGatewayData } from './gateway-data.ts';
import { row, type Benchmark, type BenchRow } from './harness.ts';

const largeRequests = Number(process.env['REPORTER_BENCH_REQUESTS'] ?? 100_000);
const smallRequests = Math.max(1000, Math.round(largeRequests / 10));
const RUNS = 3;
const datasetFor = (requests: number) => ({ database: `chucar_bench_reporter_${requests}`, requests, customers: Math.max(100, Math.round(requests / 5)), dealers: Math.max(20, Math.round(requests / 330)), seed: 13 });
const reporterEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REPORTER_JWT_SECRET: 'bench-only-secret-0123456789-0123456789', REPORTER_SERVICE_SECRET: 'bench-only-secret-0123456789-abcdefghij' };

function run(command: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...reporterEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${path.basename(args[0] ?? command)} exited ${code}: ${stderr.slice(-800)}`))));
  });
}

/** Peak RSS (KiB) of the reporter CLI writing one report as CSV to /dev/null, from GNU time. */
async function cliPeakRssKiB(report: ReportName, database: string, from: string, to: string): Promise<number> {
  const cli = path.join(repoRoot, 'apps/replica-reporter/src/main-cli.ts');
  // With the flags npm run report starts it with (package.json).
  const { stderr } = await run('/usr/bin/time', ['-f', 'peak-rss-kib %M', process.execPath, '--max-semi-space-size=16', cli, report, '--from', from, '--to', to, '--granularity', 'month', '--format', 'csv', '--out', '/dev/null'], { REPORTER_DB_NAME: database });
  return Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1]);
}

const GATEWAY_ROUNDS = 3;
const GATEWAY_SECONDS = 5;

/**
 * Keeps every report running at once against one reporter process, as analysts would through the
 * HTTP API (the reporter runs REPORTER_MAX_CONCURRENT_QUERIES of them at a time), until stopped.
 */
function reportsRunning(reporterUrl: string, token: string, from: string, to: string): { stop(): Promise<void>; completed(): number } {
  let running = true;
  let completed = 0;
  const loop = async (report: ReportName) => {
    while (running) {
      const answer = await fetch(`${reporterUrl}/reports/${report}?from=${from}&to=${to}&granularity=month&format=csv`, { headers: { authorization: `Bearer ${token}` } });
      await answer.arrayBuffer();
      if (answer.ok) completed += 1;
    }
  };
  const loops = REPORT_NAMES.map((report) => loop(report));
  return {
    completed: () => completed,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/**
 * The gateway's p99 for a read by id at 20 connections, alternating rounds without and with all six
 * reports running on the replica at once (each as `npm run report` runs it, over and over).
 */
async function gatewayUnderReports(database: string, from: string, to: string): Promise<BenchRow[]> {
  const port = await unusedLoopbackPort();
  const gateway = spawn(process.execPath, ['--max-semi-space-size=16', '--max-old-space-size=256', path.join(repoRoot, 'apps/api-gateway/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789', MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret', DB_NAME: database, GATEWAY_PORT: String(port), RATE_LIMIT_MAX: '1000000000' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const reporterPort = await unusedLoopbackPort();
  const reporter = spawn(process.execPath, [path.join(repoRoot, 'apps/replica-reporter/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...reporterEnv, REPORTER_DB_NAME: database, REPORTER_PORT: String(reporterPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    const reporterUrl = `http://127.0.0.1:${reporterPort}`;
    await waitUntil(`${url}/health/ready`, () => httpAnswers(`${url}/health/ready`, (status) => status < 500), 30_000);
    await waitUntil(`${reporterUrl}/health/ready`, () => httpAnswers(`${reporterUrl}/health/ready`, (status) => status < 500), 30_000);
    const analystToken = createSigner({ key: reporterEnv.REPORTER_JWT_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: '1', role: 'analyst' });
    const login = await fetch(`${url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: DEMO_LOGINS.customer, password: DEMO_PASSWORD }) });
    const session = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${session.accessToken}` };
    const page = (await (await fetch(`${url}/v1/quote-requests?limit=1`, { headers })).json()) as { items: { id: number }[] };
    const target = `${url}/v1/quote-requests/${page.items[0]!.id}`;
    await autocannon({ url: target, connections: 20, duration: 3, headers }); // warm-up
    const quiet: number[] = [];
    const loaded: number[] = [];
    let reportsDone = 0;
    for (let round = 0; round < GATEWAY_ROUNDS; round++) {
      quiet.push((await autocannon({ url: target, connections: 20, duration: GATEWAY_SECONDS, headers })).latency.p99);
      const reports = reportsRunning(reporterUrl, analystToken, from, to);
      loaded.push((await autocannon({ url: target, connections: 20, duration: GATEWAY_SECONDS, headers })).latency.p99);
      await reports.stop();
      reportsDone += reports.completed();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return [
      row(
        'gateway GET /v1/quote-requests/:id p99 while all six reports run',
        median(loaded),
        'ms',
        median(quiet),
        `20 connections, median of ${GATEWAY_ROUNDS} alternating ${GATEWAY_SECONDS} s rounds; ${reportsDone} reports completed meanwhile by one reporter process; baseline: no reports; all on this machine's CPUs`,
      ),
    ];
  } finally {
    gateway.kill('SIGTERM');
    reporter.kill('SIGTERM');
  }
}

export const benchmark: Benchmark = {
  name: 'reporter',
  description: `the six reports over ${largeRequests.toLocaleString('en-US')} requests vs their SQL raw through mysql2; CLI peak RSS at ${smallRequests.toLocaleString('en-US')} vs ${largeRequests.toLocaleString('en-US')} requests`,
  async run() {
    const stack = loadStackConfig();
    await stackUp(stack);
    const large = datasetFor(largeRequests);
    const small = datasetFor(smallRequests);
    for (const dataset of [small, large]) {
      console.error(`reporter: preparing ${dataset.database} (${dataset.requests.toLocaleString('en-US')} requests; kept between runs)`);
      await prepareGatewayData(dataset);
    }
    const replica = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_REPLICA_PORT, user: stack.DB_REPORTER_USER, password: stack.DB_REPORTER_PASSWORD, database: large.database });
    let range: { from: string; to: string };
    try {
      const [[found]] = (await replica.query("SELECT DATE_FORMAT(MIN(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `from`, DATE_FORMAT(MAX(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `to` FROM quote_requests")) as unknown as [[{ from: string; to: string }]];
      range = found;
    } finally {
      await replica.end();
    }
    const rows: BenchRow[] = [];
    const compare = await run(process.execPath, [path.join(repoRoot, 'apps/replica-reporter/src/bench/compare-with-raw.ts'), large.database, range.from, range.to, String(RUNS)], {});
    for (const line of compare.stdout.trim().split('\n')) {
      const figures = JSON.parse(line) as { report: string; reportMs: number; rawMs: number; rowsRead: number; resultRows: number };
      rows.push(row(`${figures.report}: report to CSV vs its SQL raw`, figures.reportMs, 'ms', figures.rawMs, `${figures.rowsRead.toLocaleString('en-US')} rows read, ${figures.resultRows} out; ${range.from}..${range.to} by month; median of ${RUNS}`));
    }
    // The same year for both sizes: the small dataset was seeded over the same window.
    for (const name of REPORT_NAMES) {
      const smallKiB = await cliPeakRssKiB(name, small.database, range.from, range.to);
      const largeKiB = await cliPeakRssKiB(name, large.database, range.from, range.to);
      rows.push(row(`${name}: CLI peak RSS, ${largeRequests.toLocaleString('en-US')} vs ${smallRequests.toLocaleString('en-US')} requests`, largeKiB / 1024, 'MiB', smallKiB / 1024));
    }
    rows.push(...(await gatewayUnderReports(large.database, range.from, range.to)));
    return rows;
  },
};
