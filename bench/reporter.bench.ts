/**
 * `npm run bench -- reporter`: each report on the replica against the same SQL streamed raw
 * through mysql2 in the same run (target ≤ 1.3x), at 100,000 and at 1,000,000 requests (with as
 * many uploads and about one scrub incident per hundred, so the media report reads as much as the
 * others); the reporter CLI's peak RSS on the smaller dataset against the larger (target ≤ 1.3x:
 * memory must not grow with the data); and the gateway's p99 on a replica-served and a
 * primary-served path while every report runs on the larger one, with all processes sharing the
 * CPUs and with the replica and reporter on a CPU of their own (taskset).
 *
 * Datasets live in databases of their own and are kept between runs (reporter-data.ts: the 100k
 * one from the demo seeder, the 1M one copied from it inside the server). REPORTER_BENCH_SIZES
 * chooses the sizes (default `100000,1000000`). The comparison runs in a process of the reporter's
 * own (apps/replica-reporter/src/bench/), since the bench may not import an app.
 */
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import mysql from 'mysql2/promise';
import { REPORT_NAMES, type ReportName } from '@chucar/domain';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { serverPaths } from '../tools/stack/mariadb.ts';
import { redisPaths } from '../tools/stack/redis.ts';
import { httpAnswers, readPid, waitUntil } from '../tools/stack/processes.ts';
import { DEMO_LOGINS } from '../tools/db/seed/generate-accounts.ts';
import { demoLogin, firstQuoteRequestId } from './gateway-data.ts';
import { prepareReporterData, type ReporterDataset } from './reporter-data.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { benchPhases, median, row, type Benchmark, type BenchRow } from './harness.ts';
import { reporterEnv, reportsRunning } from './report-load.ts';

const sizes = (process.env['REPORTER_BENCH_SIZES'] ?? '100000,1000000')
  .split(',')
  .map((size) => Number(size.trim()))
  .sort((a, b) => a - b);
if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1000)) {
  console.error(`REPORTER_BENCH_SIZES: a comma-separated list of request counts of at least 1000, not ${JSON.stringify(process.env['REPORTER_BENCH_SIZES'])}`);
  process.exit(2);
}
const smallRequests = sizes[0]!;
const largeRequests = sizes[sizes.length - 1]!;
const RUNS = 3;
/** REPORTER_BENCH_PHASES: which parts run (default all): compare (reports vs raw SQL), rss (CLI peak RSS), gateway (p99 while reports run). */
const PHASES = ['compare', 'rss', 'gateway'] as const;
const phases = benchPhases('REPORTER_BENCH_PHASES', PHASES);
const requestsLabel = (requests: number) => requests.toLocaleString('en-US');

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
const CONNECTIONS = 20;
const GATEWAY_SECONDS = 5;

type Headers = Record<string, string>;

async function postJson(url: string, body: unknown, headers: Headers = {}): Promise<Record<string, unknown>> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const parsed = (await answer.json()) as Record<string, unknown>;
  if (!answer.ok) throw new Error(`POST ${new URL(url).pathname} answered ${answer.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}

const login = async (url: string, email: string): Promise<Headers> => (await demoLogin(url, email)).headers;

/**
 * Quotes for the primary-served path: the demo customer asks for quotes in a region the demo dealer
 * serves and the dealer answers, once per connection, so each connection revises a quote of its
 * own and no two wait on one row lock. Returns the ids to revise and to remove afterwards.
 */
async function quotesToRevise(url: string, admin: mysql.Connection, count: number, requestIds: number[]): Promise<{ quoteIds: number[]; dealer: Headers; priceKrw: number }> {
  const customer = await login(url, DEMO_LOGINS.customer);
  const dealer = await login(url, DEMO_LOGINS.dealer);
  const [[served]] = (await admin.query(
    'SELECT dr.region, (SELECT t.id FROM trims t ORDER BY t.id LIMIT 1) AS trimId FROM dealer_regions dr JOIN accounts a ON a.id = dr.dealer_id WHERE a.email = ? ORDER BY dr.region LIMIT 1',
    [DEMO_LOGINS.dealer],
  )) as unknown as [[{ region: string; trimId: number }]];
  const quoteIds: number[] = [];
  let priceKrw = 0;
  for (let index = 0; index < count; index++) {
    const request = await postJson(`${url}/v1/quote-requests`, { trimId: served.trimId, region: served.region, purchaseTiming: 'this_month', paymentMethod: 'cash' }, customer);
    requestIds.push(Number(request['id']));
    priceKrw = Number(request['listPriceKrw']) - 500_000;
    const quote = await postJson(`${url}/v1/quote-requests/${String(request['id'])}/quotes`, { priceKrw, conditions: 'bench', validUntil: new Date(Date.now() + 86_400_000).toISOString() }, dealer);
    quoteIds.push(Number(quote['id']));
  }
  return { quoteIds, dealer, priceKrw };
}

/** Takes the bench's requests, quotes and revisions out again, so the kept dataset stays as seeded. */
async function removeRequests(admin: mysql.Connection, requestIds: number[]): Promise<void> {
  if (requestIds.length === 0) return;
  const ids = requestIds.join(',');
  await admin.query(`DELETE FROM quote_revisions WHERE quote_id IN (SELECT id FROM quotes WHERE request_id IN (${ids}))`);
  await admin.query(`DELETE FROM quotes WHERE request_id IN (${ids})`);
  await admin.query(`DELETE FROM quote_requests WHERE id IN (${ids})`);
}

/**
 * Where the processes run. `shared`: everything on every CPU, as the stack starts it. `separated`:
 * the deployment's shape emulated on two cores, the replica and the reporter on CPU 1, the primary,
 * Redis, the gateway and the load generator (this process) on CPU 0, so what still moves is what
 * separate machines would share too (replication, the network) and, on this box, the one disk.
 */
type Layout = 'shared' | 'separated';

const ALL_CPUS = `0-${Math.max(0, os.availableParallelism() - 1)}`;

/** Moves every thread of running processes to `cpus` (taskset -a). */
function pin(cpus: string, pids: (number | null)[]): void {
  for (const pid of pids) if (pid !== null) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

function stackServerPids(stack: ReturnType<typeof loadStackConfig>) {
  return {
    primary: readPid(serverPaths(stack, 'primary').pidFile),
    replica: readPid(serverPaths(stack, 'replica').pidFile),
    redis: readPid(redisPaths(stack).pidFile),
  };
}

/** A command line started on `cpus` when separated (taskset -c), as is otherwise. */
function onCpus(layout: Layout, cpus: string, command: string, args: string[]): [string, string[]] {
  return layout === 'separated' ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
}

/**
 * The gateway's p99 at 20 connections, alternating rounds without and with all six reports running
 * on the replica at once, on two paths: a read by id, which the gateway serves from the replica
 * (the same server the reports read), and a dealer revising their quote, a write the primary serves.
 */
async function gatewayUnderReports(database: string, from: string, to: string, layout: Layout): Promise<BenchRow[]> {
  const stack = loadStackConfig();
  const servers = stackServerPids(stack);
  if (layout === 'separated') {
    pin('0', [servers.primary, servers.redis, process.pid]);
    pin('1', [servers.replica]);
  }
  const port = await benchPort('gateway');
  const gateway = spawn(...onCpus(layout, '0', process.execPath, ['--max-semi-space-size=16', '--max-old-space-size=256', path.join(repoRoot, 'apps/api-gateway/src/main.ts')]), {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', LOG_FORMAT: 'json', JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789', MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret', DB_NAME: database, DB_CLUSTER_NODES: '', GATEWAY_PORT: String(port), RATE_LIMIT_MAX: '1000000000', GATEWAY_REDIS_KEY_PREFIX: BENCH_NAMES.reporter.gatewayRedisKeyPrefix },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const reporterPort = await benchPort('reporter');
  const reporter = spawn(...onCpus(layout, '1', process.execPath, [path.join(repoRoot, 'apps/replica-reporter/src/main.ts')]), {
    cwd: repoRoot,
    env: { ...process.env, ...reporterEnv, REPORTER_DB_NAME: database, REPORTER_PORT: String(reporterPort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_PRIMARY_PORT, user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, database });
  const created: number[] = [];
  try {
    const url = `http://127.0.0.1:${port}`;
    const reporterUrl = `http://127.0.0.1:${reporterPort}`;
    await waitUntil(`${url}/health/ready`, () => httpAnswers(`${url}/health/ready`, (status) => status < 500), 30_000);
    await waitUntil(`${reporterUrl}/health/ready`, () => httpAnswers(`${reporterUrl}/health/ready`, (status) => status < 500), 30_000);
    const analystToken = createSigner({ key: reporterEnv.REPORTER_JWT_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: '1', role: 'analyst' });
    const headers = await login(url, DEMO_LOGINS.customer);
    const readTarget = `${url}/v1/quote-requests/${await firstQuoteRequestId(url, headers)}`;
    const revisions = await quotesToRevise(url, admin, CONNECTIONS, created);
    const revise = () =>
      autocannon({
        url,
        connections: CONNECTIONS,
        duration: GATEWAY_SECONDS,
        setupClient: (client) => {
          const quoteId = revisions.quoteIds.shift()!;
          revisions.quoteIds.push(quoteId);
          const body = JSON.stringify({ priceKrw: revisions.priceKrw, conditions: 'bench revision', validUntil: new Date(Date.now() + 86_400_000).toISOString() });
          client.setRequests([{ method: 'PATCH', path: `/v1/quotes/${quoteId}`, headers: { ...revisions.dealer, 'content-type': 'application/json' }, body }]);
        },
      });
    const read = () => autocannon({ url: readTarget, connections: CONNECTIONS, duration: GATEWAY_SECONDS, headers });
    await read(); // warm-up
    await revise();
    const p99 = { readQuiet: [] as number[], readLoaded: [] as number[], writeQuiet: [] as number[], writeLoaded: [] as number[] };
    let failedWrites = 0;
    let reportsDone = 0;
    for (let round = 0; round < GATEWAY_ROUNDS; round++) {
      p99.readQuiet.push((await read()).latency.p99);
      const quietWrite = await revise();
      p99.writeQuiet.push(quietWrite.latency.p99);
      const reports = reportsRunning(reporterUrl, analystToken, from, to);
      p99.readLoaded.push((await read()).latency.p99);
      const loadedWrite = await revise();
      p99.writeLoaded.push(loadedWrite.latency.p99);
      await reports.stop();
      reportsDone += reports.completed();
      failedWrites += quietWrite.non2xx + loadedWrite.non2xx + quietWrite.errors + loadedWrite.errors;
    }
    if (failedWrites > 0) throw new Error(`${failedWrites} quote revisions failed during the benchmark`);
        const where = layout === 'shared' ? 'all processes share both CPUs' : 'replica + reporter on CPU 1; primary, Redis, gateway, load on CPU 0';
    const note = `${where}; ${CONNECTIONS} connections, median of ${GATEWAY_ROUNDS} alternating ${GATEWAY_SECONDS} s rounds; ${reportsDone} reports completed meanwhile by one reporter process; baseline: no reports`;
    return [
      row(`gateway p99 (${layout}), read by id (served by the replica) while all six reports run`, median(p99.readLoaded), 'ms', median(p99.readQuiet), note),
      row(`gateway p99 (${layout}), dealer revises a quote (served by the primary) while all six reports run`, median(p99.writeLoaded), 'ms', median(p99.writeQuiet), `each connection its own quote; ${note}`),
    ];
  } finally {
    gateway.kill('SIGTERM');
    reporter.kill('SIGTERM');
    if (layout === 'separated') pin(ALL_CPUS, [servers.primary, servers.redis, servers.replica, process.pid]);
    await removeRequests(admin, created).finally(() => admin.end());
  }
}

/** Every report of `dataset` by month over `range`, to CSV, against its SQL raw: one row per report with the rows read. */
async function compareWithRaw(dataset: ReporterDataset, range: { from: string; to: string }): Promise<BenchRow[]> {
  const compare = await run(process.execPath, [path.join(repoRoot, 'apps/replica-reporter/src/bench/compare-with-raw.ts'), dataset.database, range.from, range.to, String(RUNS)], {});
  const { counts } = dataset;
  const size = `${requestsLabel(counts.quote_requests)} requests, ${requestsLabel(counts.quotes)} quotes, ${requestsLabel(counts.media)} uploads, ${requestsLabel(counts.media_incidents)} incidents`;
  return compare.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const figures = JSON.parse(line) as { report: string; reportMs: number; rawMs: number; reportCpuMs: number; rawCpuMs: number; rowsRead: number; resultRows: number; reportRunsMs: number[]; rawRunsMs: number[] };
      const rounds = (runs: number[]) => runs.map((ms) => Math.round(ms)).join(', ');
      return row(
        `${figures.report} at ${requestsLabel(dataset.requests)} requests: report to CSV vs its SQL raw`,
        figures.reportMs,
        'ms',
        figures.rawMs,
        `${requestsLabel(figures.rowsRead)} rows read, ${requestsLabel(figures.resultRows)} out; client CPU ${Math.round(figures.reportCpuMs)} vs ${Math.round(figures.rawCpuMs)} ms; dataset: ${size}; ${range.from}..${range.to} by month; median of ${RUNS}, rounds: ${rounds(figures.reportRunsMs)} vs ${rounds(figures.rawRunsMs)} ms; target <= 1.3x`,
      );
    });
}

/** The Korean days the dataset's requests span (every dataset covers the same window). */
async function datasetRange(database: string): Promise<{ from: string; to: string }> {
  const stack = loadStackConfig();
  const replica = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_REPLICA_PORT, user: stack.DB_REPORTER_USER, password: stack.DB_REPORTER_PASSWORD, database });
  try {
    const [[found]] = (await replica.query("SELECT DATE_FORMAT(MIN(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `from`, DATE_FORMAT(MAX(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `to` FROM quote_requests")) as unknown as [[{ from: string; to: string }]];
    return found;
  } finally {
    await replica.end();
  }
}

export const benchmark: Benchmark = {
  name: 'reporter',
  description: `the six reports at ${sizes.map(requestsLabel).join(' and ')} requests vs their SQL raw through mysql2; CLI peak RSS at ${requestsLabel(smallRequests)} vs ${requestsLabel(largeRequests)} requests`,
  async run() {
    const stack = loadStackConfig();
    await stackUp(stack);
    const datasets: ReporterDataset[] = [];
    for (const requests of sizes) {
      console.error(`reporter: preparing the ${requestsLabel(requests)}-request dataset`);
      datasets.push(await prepareReporterData(requests, (line) => console.error(`reporter: ${line}`)));
    }
    const small = datasets[0]!;
    const large = datasets[datasets.length - 1]!;
    const range = await datasetRange(large.database);
    const rows: BenchRow[] = [];
    if (phases.includes('compare')) for (const dataset of datasets) rows.push(...(await compareWithRaw(dataset, range)));
    // The same window for both sizes: the larger dataset is denser, not longer.
    if (phases.includes('rss') && small !== large) {
      for (const name of REPORT_NAMES) {
        const smallKiB = await cliPeakRssKiB(name, small.database, range.from, range.to);
        const largeKiB = await cliPeakRssKiB(name, large.database, range.from, range.to);
        rows.push(row(`${name}: CLI peak RSS, ${requestsLabel(large.requests)} vs ${requestsLabel(small.requests)} requests`, largeKiB / 1024, 'MiB', smallKiB / 1024, 'target <= 1.3x'));
      }
    }
    if (phases.includes('gateway')) rows.push(...(await gatewayUnderReports(large.database, range.from, range.to, 'shared')));
    if (phases.includes('gateway') && os.availableParallelism() >= 2) rows.push(...(await gatewayUnderReports(large.database, range.from, range.to, 'separated')));
    return rows;
  },
};
