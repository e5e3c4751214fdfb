/**
 * `npm run bench -- galera`: the bench rows of the Galera live tier (issue #22), on a stack of the
 * bench's own (galera-stack.ts: every port moved, its own folder, stopped at the end) so that
 * killing a node never touches the shared stack.
 *
 * 1. Creates users make (POST /v1/quote-requests with an Idempotency-Key) through one gateway process
 *    on the Galera cluster against one on a single primary (+ its replica), same client and
 *    concurrency, alternating rounds in the same run; goal: Galera at least 0.7x the throughput.
 * 2. The writer node's mariadbd killed with SIGKILL under keyed creates through the cluster gateway,
 *    retried by the clients: seconds to the first create acknowledged that was sent after the kill,
 *    and until the statistics replica (kept following by the reporter's follower process) holds
 *    every acknowledged create; median of three kills, each with the statistics replica on the
 *    writer node as the stack sets it up, and the node restarted by IST between kills.
 * 3. The gateway's p99 for a read by id (served by a reader node) while all six reports run on the
 *    reporter, which reads only the statistics replica, against no reports; goal at most 1.2x with
 *    every process sharing the CPUs, and the same with the statistics side on a CPU of its own.
 */
import { randomUUID } from 'node:crypto';
import { execFileSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createSigner } from 'fast-jwt';
import { readAppliedGtids, runSqlOnConnection, waitForGtid } from '@chucar/platform';
import { configureReplication, startReplication, stopChildProcess, stopReplication, unusedLoopbackPort } from '@chucar/platform/testing';
import type { StackConfig } from '../tools/stack/config.ts';
import { galeraNode, galeraNodes, readNodeStatus, restartGaleraNode, runningPid } from '../tools/stack/galera.ts';
import { readReplication, serverPaths } from '../tools/stack/mariadb.ts';
import { redisPaths } from '../tools/stack/redis.ts';
import { isAlive, readPid } from '../tools/stack/processes.ts';
import { createWithRetries, newTally, runClients, type AcknowledgedCreate } from '../tools/faults/load.ts';
import { DEMO_LOGINS } from '../tools/db/seed/generate-accounts.ts';
import { demoLogin, firstQuoteRequestId, type GatewayDataset } from './gateway-data.ts';
import { gatewayEntry, startProcess, waitForHttp } from './gateway-process.ts';
import { gatewayNodeFlags } from './gateway-servers.ts';
import { adminConnection, seedDatasetOn, withGaleraBenchStack } from './galera-stack.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { median, row, type Benchmark, type BenchRow } from './harness.ts';
import { cpuTimeMs } from './process-usage.ts';
import { reporterEnv, reportsRunning } from './report-load.ts';

const CREATE_CONNECTIONS = 20;
const CREATE_SECONDS = Number(process.env['BENCH_DURATION_S'] ?? 5);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const KILLS = Number(process.env['GALERA_BENCH_KILLS'] ?? 3);
const KILL_CLIENTS = 4;
const READ_CONNECTIONS = 20;
const READ_SECONDS = 5;
const reportRequests = Number(process.env['GALERA_BENCH_REPORT_REQUESTS'] ?? 100_000);

/** Small: the creates measure the commit path, not the data. Seeded alike on the primary and the cluster. */
const writesDataset: GatewayDataset = { database: BENCH_NAMES.galera.writesDatabase, requests: 2_000, customers: 200, dealers: 20, seed: 21 };
/** The reporter bench's shape (reporter.bench.ts), seeded on the cluster and read by the reporter on the statistics replica. */
const reportsDataset: GatewayDataset = { database: `${BENCH_NAMES.galera.reportsDatabasePrefix}${reportRequests}`, requests: reportRequests, customers: Math.max(100, Math.round(reportRequests / 5)), dealers: Math.max(20, Math.round(reportRequests / 330)), seed: 13 };

type Tier = 'galera' | 'primary';
type Headers = Record<string, string>;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => ms / 1000;

function clusterNodesEnv(stack: StackConfig): string {
  return stack.DB_GALERA_PORTS.map((port) => `127.0.0.1:${port}`).join(',');
}

/** Every address the gateway reads is the bench stack's; the services it forwards to do not run (their ports are unused). */
async function gatewayEnv(stack: StackConfig, tier: Tier, database: string, port: number, logLevel: string): Promise<Record<string, string>> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789',
    MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret',
    DB_NAME: database,
    GATEWAY_PORT: String(port),
    LOG_FORMAT: 'json',
    LOG_LEVEL: logLevel,
    RATE_LIMIT_MAX: '1000000000',
    DB_PRIMARY_PORT: String(stack.DB_PRIMARY_PORT),
    DB_REPLICA_PORT: String(stack.DB_REPLICA_PORT),
    DB_CLUSTER_NODES: tier === 'galera' ? clusterNodesEnv(stack) : '',
    REDIS_PORT: String(stack.REDIS_PORT),
    MEDIA_SERVICE_URL: `http://127.0.0.1:${await unusedLoopbackPort()}`,
    ALERTMANAGER_URL: `http://127.0.0.1:${await unusedLoopbackPort()}`,
    REPORTER_URL: '',
  };
}

interface Gateway {
  tier: Tier;
  url: string;
  child: ChildProcess;
}

/** The pids of the database servers that do the work of a write on each tier (the replicas apply it too). */
function databasePids(stack: StackConfig, tier: Tier): number[] {
  const pids = tier === 'galera' ? [...galeraNodes(stack).map(runningPid), readPid(serverPaths(stack, 'statistics').pidFile)] : [readPid(serverPaths(stack, 'primary').pidFile), readPid(serverPaths(stack, 'replica').pidFile)];
  if (pids.some((pid) => pid === null || !isAlive(pid))) throw new Error(`a ${tier} database server of the bench stack is not running`);
  return pids as number[];
}

/** What a customer sends to ask for quotes: a trim and a region the dataset has, and a note the bench can find the row by. */
async function createBody(stack: StackConfig, port: number, database: string): Promise<{ trimId: number; region: string; purchaseTiming: string; paymentMethod: string }> {
  const admin = await adminConnection(stack, port, database);
  try {
    const [[found]] = (await admin.query('SELECT (SELECT id FROM trims ORDER BY id LIMIT 1) AS trimId, (SELECT region FROM dealer_regions ORDER BY region LIMIT 1) AS region')) as unknown as [[{ trimId: number; region: string }]];
    return { trimId: Number(found.trimId), region: found.region, purchaseTiming: 'this_month', paymentMethod: 'cash' };
  } finally {
    await admin.end();
  }
}

interface CreateRun {
  createsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  gatewayCpuMicrosPerCreate: number;
  databaseCpuMicrosPerCreate: number;
}

/** One run of keyed creates: every request a new Idempotency-Key, so each one is a new row. */
async function createRun(stack: StackConfig, gateway: Gateway, auth: Headers, body: object, durationSeconds: number): Promise<CreateRun> {
  const dbPids = databasePids(stack, gateway.tier);
  const cpu = () => ({ gateway: cpuTimeMs(gateway.child.pid!), database: dbPids.reduce((sum, pid) => sum + cpuTimeMs(pid), 0) });
  const before = cpu();
  const result = await autocannon({
    url: gateway.url,
    connections: CREATE_CONNECTIONS,
    duration: durationSeconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/quote-requests',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, note: 'galera bench create' }),
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }),
      },
    ],
  });
  const after = cpu();
  const created = Math.max(1, result['2xx']);
  return {
    createsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    gatewayCpuMicrosPerCreate: ((after.gateway - before.gateway) * 1000) / created,
    databaseCpuMicrosPerCreate: ((after.database - before.database) * 1000) / created,
  };
}

async function createThroughput(stack: StackConfig, gateways: Record<Tier, Gateway>): Promise<BenchRow[]> {
  const prepared = {} as Record<Tier, { auth: Headers; body: object }>;
  for (const tier of ['primary', 'galera'] as const) {
    const writePort = tier === 'galera' ? stack.DB_GALERA_PORTS[0]! : stack.DB_PRIMARY_PORT;
    prepared[tier] = { auth: (await demoLogin(gateways[tier].url, DEMO_LOGINS.customer)).headers, body: await createBody(stack, writePort, writesDataset.database) };
  }
  for (const tier of ['primary', 'galera'] as const) await createRun(stack, gateways[tier], prepared[tier].auth, prepared[tier].body, 3); // warm-up: JIT, pools
  const runs: Record<Tier, CreateRun[]> = { primary: [], galera: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const tier of ['primary', 'galera'] as const) runs[tier].push(await createRun(stack, gateways[tier], prepared[tier].auth, prepared[tier].body, CREATE_SECONDS));
  }
  const failed = (tier: Tier) => runs[tier].reduce((sum, run) => sum + run.failed, 0);
  if (failed('primary') + failed('galera') > 0) throw new Error(`creates failed: ${failed('galera')} on the Galera gateway, ${failed('primary')} on the single-primary one`);
  const mid = (tier: Tier, figure: keyof CreateRun) => median(runs[tier].map((run) => run[figure]));
  const each = (tier: Tier) => runs[tier].map((run) => run.createsPerSecond.toFixed(0)).join(', ');
  const how = `${CREATE_CONNECTIONS} connections, median of ${ROUNDS} alternating ${CREATE_SECONDS} s rounds; baseline: the same gateway on a single primary (+ its replica)`;
  return [
    row('galera: gateway creates (POST /v1/quote-requests, Idempotency-Key) throughput', mid('galera', 'createsPerSecond'), 'req/s', mid('primary', 'createsPerSecond'), `goal >= 0.70x; ${how}; rounds: galera ${each('galera')}, primary ${each('primary')}`),
    row('galera: gateway creates p50', mid('galera', 'p50Ms'), 'ms', mid('primary', 'p50Ms')),
    row('galera: gateway creates p99', mid('galera', 'p99Ms'), 'ms', mid('primary', 'p99Ms')),
    row('galera: gateway CPU per create', mid('galera', 'gatewayCpuMicrosPerCreate'), 'µs', mid('primary', 'gatewayCpuMicrosPerCreate'), 'gateway process CPU time / creates answered 2xx'),
    row('galera: database servers CPU per create', mid('galera', 'databaseCpuMicrosPerCreate'), 'µs', mid('primary', 'databaseCpuMicrosPerCreate'), 'CPU time of the 3 nodes + statistics replica, vs the primary + its replica'),
  ];
}

/** The node each gateway writes to, from its db_cluster_writer gauge. */
async function writerOf(gatewayUrl: string): Promise<string | null> {
  const text = await fetch(`${gatewayUrl}/metrics`, { signal: AbortSignal.timeout(2000) }).then((response) => response.text(), () => '');
  return /^db_cluster_writer\{node="([^"]+)"\} 1$/m.exec(text)?.[1] ?? null;
}

async function clusterOfThree(stack: StackConfig): Promise<boolean> {
  const states = await Promise.all(galeraNodes(stack).map(readNodeStatus));
  return states.every((state) => state?.localState === 4 && state.clusterSize === 3 && state.clusterStatus === 'Primary');
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds(timeoutMs)} s`);
    await pause(200);
  }
}

/**
 * Points the statistics replica at galera-1 again, as the stack sets it up, when an earlier kill
 * left it on another node (the follower never moves it back by itself), and waits until it caught up.
 */
async function statisticsOnFirstNode(stack: StackConfig): Promise<void> {
  const first = galeraNode(stack, 1);
  if ((await readReplication(stack, 'statistics'))?.sourcePort === first.sqlPort) return;
  const statistics = await adminConnection(stack, stack.DB_STATISTICS_PORT);
  const node = await adminConnection(stack, first.sqlPort);
  try {
    const onStatistics = runSqlOnConnection(statistics);
    await stopReplication(onStatistics);
    await configureReplication(onStatistics, { host: '127.0.0.1', port: first.sqlPort, user: stack.DB_REPLICATION_USER, password: stack.DB_REPLICATION_PASSWORD });
    await startReplication(onStatistics);
    const position = await readAppliedGtids(runSqlOnConnection(node));
    if ((await waitForGtid(runSqlOnConnection(statistics, 40_000), position, 30_000)) !== 'reached') throw new Error(`the statistics replica did not catch up with galera-1 (${position}) within 30 s`);
  } finally {
    await statistics.end();
    await node.end();
  }
}

/** How many rows each note has on a server (the notes are the creates' keys). */
async function rowsByNote(stack: StackConfig, port: number, notePrefix: string): Promise<Map<string, number>> {
  const connection = await adminConnection(stack, port, writesDataset.database);
  try {
    const [rows] = await connection.query({ sql: 'SELECT note, COUNT(*) AS n FROM quote_requests WHERE note LIKE ? GROUP BY note', timeout: 10_000 }, [`${notePrefix}%`]);
    return new Map((rows as { note: string; n: number }[]).map((found) => [found.note, Number(found.n)]));
  } finally {
    await connection.end();
  }
}

interface KillOutcome {
  firstWriteSeconds: number;
  statisticsCompleteSeconds: number;
  statisticsAfterLastAckSeconds: number;
  statisticsSourceAfter: string;
  acknowledged: number;
  replayed: number;
  lost: number;
  duplicated: number;
  retried: number;
  rejoinSeconds: number;
  rejoinTransfer: string;
}

async function killWriterOnce(stack: StackConfig, gateway: Gateway, auth: Headers, body: object, round: number): Promise<KillOutcome> {
  const first = galeraNode(stack, 1);
  const nodeName = (port: number | null | undefined) => (port === null || port === undefined ? 'none' : `galera-${stack.DB_GALERA_PORTS.indexOf(port) + 1}`);
  await eventually('a cluster of 3 synced nodes', () => clusterOfThree(stack), 120_000);
  await statisticsOnFirstNode(stack);
  await eventually(`the gateway writing to galera-1 (${first.sqlPort})`, async () => (await writerOf(gateway.url)) === `127.0.0.1:${first.sqlPort}`, 30_000);

  const notePrefix = `galera-kill-${randomUUID().slice(0, 8)}-${round}-`;
  const tally = newTally();
  const acknowledged: AcknowledgedCreate[] = [];
  let stop = false;
  const load = runClients(KILL_CLIENTS, () => stop, async () => {
    const key = randomUUID();
    const created = await createWithRetries(tally, `${gateway.url}/v1/quote-requests`, auth, key, { ...body, note: `${notePrefix}${key}` });
    if (created) acknowledged.push(created);
  });
  let killedAt = 0;
  const firstAfterKill = () => acknowledged.filter((create) => create.sentAtMs > killedAt).reduce<number | null>((earliest, create) => Math.min(earliest ?? create.acknowledgedAtMs, create.acknowledgedAtMs), null);
  try {
    await pause(2000);
    const victim = runningPid(first);
    if (victim === null) throw new Error('galera-1 does not run');
    killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    while (firstAfterKill() === null && Date.now() - killedAt < 30_000) await pause(50);
    // Some writes on the new writer too, so the statistics replica must get them from another node.
    await pause(2000);
  } finally {
    stop = true;
    await load;
  }
  const firstWriteAt = firstAfterKill();
  if (firstWriteAt === null) throw new Error(`no create was acknowledged within 30 s of killing the writer: ${tally.failures.slice(0, 3).join('; ')}`);
  if (tally.failures.length > 0) throw new Error(`creates failed for good during the writer kill: ${tally.failures.slice(0, 3).join('; ')}`);

  const keys = acknowledged.map((create) => `${notePrefix}${create.key}`);
  let statisticsCompleteAt: number | null = null;
  while (statisticsCompleteAt === null && Date.now() - killedAt < 90_000) {
    const onStatistics = await rowsByNote(stack, stack.DB_STATISTICS_PORT, notePrefix).catch(() => new Map<string, number>());
    if (keys.every((key) => onStatistics.has(key))) statisticsCompleteAt = Date.now();
    else await pause(100);
  }
  if (statisticsCompleteAt === null) throw new Error('the statistics replica did not have every acknowledged create within 90 s of the kill');
  const statisticsSourceAfter = nodeName((await readReplication(stack, 'statistics'))?.sourcePort);

  const onSurvivor = await rowsByNote(stack, galeraNode(stack, 2).sqlPort, notePrefix);
  const lost = keys.filter((key) => !onSurvivor.has(key)).length;
  const duplicated = [...onSurvivor.values()].filter((count) => count > 1).length;
  const rejoin = await restartGaleraNode(stack, 1);
  const lastAcknowledgedAt = Math.max(...acknowledged.map((create) => create.acknowledgedAtMs));
  return {
    firstWriteSeconds: seconds(firstWriteAt - killedAt),
    statisticsCompleteSeconds: seconds(statisticsCompleteAt - killedAt),
    statisticsAfterLastAckSeconds: seconds(statisticsCompleteAt - lastAcknowledgedAt),
    statisticsSourceAfter,
    acknowledged: acknowledged.length,
    replayed: acknowledged.filter((create) => create.replayed).length,
    lost,
    duplicated,
    retried: tally.retried,
    rejoinSeconds: rejoin.seconds,
    rejoinTransfer: rejoin.stateTransfer,
  };
}

/** The reporter's follower as npm start runs it, on the bench stack's statistics replica and nodes. */
async function startFollower(stack: StackConfig): Promise<ChildProcess> {
  const port = await unusedLoopbackPort();
  const follower = startProcess('apps/replica-reporter/src/main-follow.ts', [], {
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    STATISTICS_FOLLOW_PORT: String(port),
    STATISTICS_REPLICA_PORT: String(stack.DB_STATISTICS_PORT),
    STATISTICS_SOURCE_NODES: clusterNodesEnv(stack),
    STATISTICS_ADMIN_USER: stack.DB_ADMIN_USER,
    STATISTICS_ADMIN_PASSWORD: stack.DB_ADMIN_PASSWORD,
    STATISTICS_REPLICATION_USER: stack.DB_REPLICATION_USER,
    STATISTICS_REPLICATION_PASSWORD: stack.DB_REPLICATION_PASSWORD,
  });
  await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
  return follower;
}

async function writerKills(stack: StackConfig, gateway: Gateway, children: ChildProcess[]): Promise<BenchRow[]> {
  children.push(await startFollower(stack));
  const auth = (await demoLogin(gateway.url, DEMO_LOGINS.customer)).headers;
  const body = await createBody(stack, stack.DB_GALERA_PORTS[0]!, writesDataset.database);
  const outcomes: KillOutcome[] = [];
  for (let round = 1; round <= KILLS; round++) {
    const outcome = await killWriterOnce(stack, gateway, auth, body, round);
    console.error(`galera bench: writer kill ${round}: ${JSON.stringify(outcome)}`);
    outcomes.push(outcome);
  }
  const list = (figure: (outcome: KillOutcome) => number) => outcomes.map((outcome) => figure(outcome).toFixed(1)).join(', ');
  const sum = (figure: (outcome: KillOutcome) => number) => outcomes.reduce((total, outcome) => total + figure(outcome), 0);
  const integrity = `${sum((o) => o.acknowledged)} creates acknowledged (${sum((o) => o.replayed)} by replay, ${sum((o) => o.retried)} attempts retried by ${KILL_CLIENTS} clients); acknowledged but missing on galera-2: ${sum((o) => o.lost)}; keys with two rows: ${sum((o) => o.duplicated)}`;
  return [
    row('galera: writer kill -9 → first create acknowledged through the gateway', median(outcomes.map((o) => o.firstWriteSeconds)), 's', null, `goal <= 10 s; median of ${KILLS} kills (${list((o) => o.firstWriteSeconds)} s), first create sent after the kill; ${integrity}`),
    row('galera: writer kill -9 → statistics replica has every acknowledged create', median(outcomes.map((o) => o.statisticsCompleteSeconds)), 's', null, `goal <= 30 s; kills: ${list((o) => o.statisticsCompleteSeconds)} s, i.e. ${list((o) => o.statisticsAfterLastAckSeconds)} s after the last acknowledged create; replica on galera-1 at each kill, repointed by the follower to ${outcomes.map((o) => o.statisticsSourceAfter).join(', ')}`),
    row('galera: killed writer restarted and Synced again', median(outcomes.map((o) => o.rejoinSeconds)), 's', null, `restartGaleraNode after each kill: ${list((o) => o.rejoinSeconds)} s, state transfer ${outcomes.map((o) => o.rejoinTransfer).join(', ')}`),
  ];
}

/** Waits until the statistics replica applied everything galera-1 has. */
async function statisticsCaughtUp(stack: StackConfig): Promise<void> {
  const node = await adminConnection(stack, stack.DB_GALERA_PORTS[0]!);
  const statistics = await adminConnection(stack, stack.DB_STATISTICS_PORT);
  try {
    const position = await readAppliedGtids(runSqlOnConnection(node));
    if ((await waitForGtid(runSqlOnConnection(statistics, 130_000), position, 120_000)) !== 'reached') throw new Error(`the statistics replica did not reach ${position} within 120 s`);
  } finally {
    await node.end();
    await statistics.end();
  }
}

async function readsUnderReports(stack: StackConfig, children: ChildProcess[]): Promise<BenchRow[]> {
  const gatewayPort = await benchPort('gateway');
  const gateway = startProcess(gatewayEntry, [], await gatewayEnv(stack, 'galera', reportsDataset.database, gatewayPort, 'warn'), gatewayNodeFlags());
  children.push(gateway);
  const reporterPort = await benchPort('reporter');
  const reporter = startProcess('apps/replica-reporter/src/main.ts', [], {
    ...reporterEnv,
    REPORTER_PORT: String(reporterPort),
    REPORTER_DB_PORT: String(stack.DB_STATISTICS_PORT),
    REPORTER_DB_NAME: reportsDataset.database,
    REDIS_PORT: String(stack.REDIS_PORT),
    REPORTER_S3_ENDPOINT: `http://127.0.0.1:${stack.S3_PORT}`,
    REPORTER_DAILY_DIR: path.join(stack.stateDir, 'reports'),
  });
  children.push(reporter);
  const url = `http://127.0.0.1:${gatewayPort}`;
  const reporterUrl = `http://127.0.0.1:${reporterPort}`;
  await waitForHttp(`${url}/health/ready`);
  await waitForHttp(`${reporterUrl}/health/ready`);

  const statistics = await adminConnection(stack, stack.DB_STATISTICS_PORT, reportsDataset.database);
  let range: { from: string; to: string };
  try {
    const [[found]] = (await statistics.query("SELECT DATE_FORMAT(MIN(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `from`, DATE_FORMAT(MAX(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `to` FROM quote_requests")) as unknown as [[{ from: string; to: string }]];
    range = found;
  } finally {
    await statistics.end();
  }
  const analystToken = createSigner({ key: reporterEnv.REPORTER_JWT_SECRET, algorithm: 'HS256', expiresIn: 3_600_000 })({ sub: '1', role: 'analyst' });
  const headers = (await demoLogin(url, DEMO_LOGINS.customer)).headers;
  const readTarget = `${url}/v1/quote-requests/${await firstQuoteRequestId(url, headers)}`;
  const read = () => autocannon({ url: readTarget, connections: READ_CONNECTIONS, duration: READ_SECONDS, headers });
  await read(); // warm-up
  const measure = async (layout: Layout): Promise<BenchRow> => {
    const quiet: number[] = [];
    const loaded: number[] = [];
    let failed = 0;
    let reportsDone = 0;
    let reportsFailed = 0;
    const reportsRefused: Record<number, number> = {};
    const reportFailures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const quietRun = await read();
      const reports = reportsRunning(reporterUrl, analystToken, range.from, range.to);
      const loadedRun = await Promise.resolve(read()).finally(() => reports.stop());
      reportsDone += reports.completed();
      reportsFailed += reports.failed();
      reportFailures.push(...reports.failures());
      for (const [status, count] of Object.entries(reports.refused())) reportsRefused[Number(status)] = (reportsRefused[Number(status)] ?? 0) + count;
      quiet.push(quietRun.latency.p99);
      loaded.push(loadedRun.latency.p99);
      failed += quietRun.non2xx + quietRun.errors + loadedRun.non2xx + loadedRun.errors;
    }
    if (failed > 0) throw new Error(`${failed} reads failed while measuring the gateway under reports (${layout})`);
    if (reportsDone === 0) throw new Error(`no report completed while the reads were measured (${layout}): ${reportFailures.join('; ')}`);
    if (reportFailures.length > 0) console.error(`galera bench: reports that got no answer (${layout}): ${reportFailures.join('; ')}`);
    const refusedNote = [...Object.entries(reportsRefused).map(([status, count]) => `${count} answered ${status}`), ...(reportsFailed > 0 ? [`${reportsFailed} got no answer`] : [])].join(', ');
    const where = layout === 'shared' ? `all processes share the ${os.availableParallelism()} CPUs` : 'statistics replica + reporter on CPU 1; Galera nodes, Redis, gateway, load on CPU 0';
    const goal = layout === 'shared' ? 'goal <= 1.20x; ' : '';
    return row(
      `galera: gateway p99 (${layout}), read by id (a reader node) while all six reports run on the statistics replica`,
      median(loaded),
      'ms',
      median(quiet),
      `${goal}${where}; baseline: no reports; rounds: ${loaded.join(', ')} vs ${quiet.join(', ')} ms; ${READ_CONNECTIONS} connections, median of ${ROUNDS} alternating ${READ_SECONDS} s rounds; ${reportsDone} reports completed meanwhile over ${reportRequests.toLocaleString('en-US')} requests${refusedNote ? `, ${refusedNote}` : ''}`,
    );
  };
  const rows = [await measure('shared')];
  if (os.availableParallelism() < 2) return rows;
  // The deployment's shape emulated on two cores: what still moves is what separate machines share too (the network) and, here, the one disk.
  const live = [...galeraNodes(stack).map(runningPid), readPid(redisPaths(stack).pidFile), gateway.pid ?? null, process.pid];
  const statisticsSide = [readPid(serverPaths(stack, 'statistics').pidFile), reporter.pid ?? null];
  try {
    pin('0', live);
    pin('1', statisticsSide);
    rows.push(await measure('separated'));
  } finally {
    pin(ALL_CPUS, [...live, ...statisticsSide]);
  }
  return rows;
}

/**
 * Where the processes run for the reads under reports. `shared`: everything on every CPU, as the
 * stack starts it. `separated`: the statistics side (replica and reporter) on a CPU of its own.
 */
type Layout = 'shared' | 'separated';

const ALL_CPUS = `0-${Math.max(0, os.availableParallelism() - 1)}`;

/** Moves every thread of running processes to `cpus` (taskset -a). */
function pin(cpus: string, pids: (number | null)[]): void {
  for (const pid of pids) if (pid !== null) execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

export const benchmark: Benchmark = {
  name: 'galera',
  description: `Galera live tier (issue #22) on a stack of its own: creates vs a single primary, writer kill -9 (${KILLS} times), reads while the reports run on the statistics replica`,
  async run() {
    return withGaleraBenchStack(async (stack) => {
      const started = Date.now();
      for (const [port, dataset] of [[stack.DB_PRIMARY_PORT, writesDataset], [stack.DB_GALERA_PORTS[0]!, writesDataset], [stack.DB_GALERA_PORTS[0]!, reportsDataset]] as const) {
        const seedStarted = Date.now();
        const { seeded } = await seedDatasetOn(stack, port, dataset);
        console.error(`galera bench: ${dataset.database} on :${port} ${seeded ? `seeded in ${seconds(Date.now() - seedStarted).toFixed(1)} s` : 'kept from an earlier run'}`);
      }
      await statisticsCaughtUp(stack);
      const children: ChildProcess[] = [];
      try {
        const gateways = {} as Record<Tier, Gateway>;
        for (const tier of ['primary', 'galera'] as const) {
          const port = await benchPort('gateway');
          const child = startProcess(gatewayEntry, [], await gatewayEnv(stack, tier, writesDataset.database, port, 'info'), gatewayNodeFlags());
          children.push(child);
          gateways[tier] = { tier, url: `http://127.0.0.1:${port}`, child };
          await waitForHttp(`${gateways[tier].url}/health/ready`);
        }
        const rows: BenchRow[] = [];
        const phase = async (name: string, measure: () => Promise<BenchRow[]>) => {
          const phaseStarted = Date.now();
          const measured = await measure();
          console.error(`galera bench: ${name} measured in ${seconds(Date.now() - phaseStarted).toFixed(0)} s: ${measured.map((found) => `${found.name} ${found.value} ${found.unit}${found.ratio === null ? '' : ` (${found.ratio}x)`}`).join('; ')}`);
          rows.push(...measured);
        };
        await phase('creates', () => createThroughput(stack, gateways));
        await phase('reads under reports', () => readsUnderReports(stack, children));
        await phase('writer kills', () => writerKills(stack, gateways.galera, children));
        console.error(`galera bench: measured in ${seconds(Date.now() - started).toFixed(0)} s after the stack was up`);
        return rows;
      } catch (error) {
        // Said before the clean-up, whose own noise (processes losing their servers) would bury it.
        console.error(`galera bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        throw error;
      } finally {
        await Promise.all(children.map((child) => stopChildProcess(child, 15_000)));
      }
    });
  },
};
