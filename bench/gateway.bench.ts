/**
 * The gateway against a bare fastify + mysql2 server replaying the same SQL, in the same run:
 * GET one quote request by id, and list a customer's requests, at 50 connections each.
 * Both servers run as their own processes and read the replica; the gateway keeps everything on
 * (JWT auth, schema validation, JSON logs, metrics, Redis rate limit, read routing) and runs with
 * the node flags it ships with. Memory rows are each process's own figures after the load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { CompiledQuery, Kysely, MysqlDialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import { parse } from 'yaml';
import { createRepositories, type Database as Schema } from '@chucar/domain';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { httpAnswers, waitUntil } from '../tools/stack/processes.ts';
import { DEMO_LOGINS } from '../tools/db/seed/generate-accounts.ts';
import { demoLogin, gatewayDataset, prepareGatewayData } from './gateway-data.ts';
import { row, type Benchmark, type BenchRow } from './harness.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { cpuTimeMs, memoryFromMetrics, memoryFromRoute } from './process-usage.ts';

const { database } = gatewayDataset;
const connections = 50;
const durationSeconds = Number(process.env['BENCH_DURATION_S'] ?? 4);
/** Bare and gateway runs alternate, so a slow spell of this noisy machine hits both; medians are reported. */
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);

function waitForHttp(url: string): Promise<void> {
  return waitUntil(url, () => httpAnswers(url, (status) => status < 500), 30_000);
}

const gatewayEntry = 'apps/api-gateway/src/main.ts';
/** The same entry as the image runs it, built. */
const builtGatewayEntry = 'dist/apps/api-gateway/main.js';

/** The node flags the gateway ships with (its compose command), so the bench measures the heap it runs with. */
function gatewayNodeFlags(): string[] {
  const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: unknown }> };
  const command = compose.services['gateway-1']?.command;
  if (!Array.isArray(command) || command[0] !== 'node' || !command.includes(builtGatewayEntry)) throw new Error(`docker-compose.yml: gateway-1 should run [node, ...flags, ${builtGatewayEntry}]`);
  return command.slice(1, command.indexOf(builtGatewayEntry));
}

function startProcess(entry: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, entry, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time the server process spent per request answered. */
  cpuMicrosPerRequest: number;
  non2xx: number;
}

/** A server process under load: where to send requests, with which headers. */
interface Target {
  url: string;
  headers: Record<string, string>;
  pid: number;
}

async function load(target: Target): Promise<LoadResult> {
  const cpuBefore = cpuTimeMs(target.pid);
  const result = await autocannon({ url: target.url, connections, duration: durationSeconds, headers: target.headers });
  const requestsAnswered = Math.max(1, result.requests.average * durationSeconds);
  const cpuMicrosPerRequest = ((cpuTimeMs(target.pid) - cpuBefore) * 1000) / requestsAnswered;
  return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, cpuMicrosPerRequest, non2xx: result.non2xx + result.errors + result.timeouts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Warms both servers up, then alternates `rounds` runs of each; returns the medians. */
async function compare(baseline: Target, measured: Target): Promise<{ baseline: LoadResult; measured: LoadResult }> {
  for (const target of [baseline, measured]) await autocannon({ url: target.url, connections, duration: 2, headers: target.headers }); // warm-up: JIT, pools
  const baselineRuns: LoadResult[] = [];
  const measuredRuns: LoadResult[] = [];
  for (let round = 0; round < rounds; round++) {
    baselineRuns.push(await load(baseline));
    measuredRuns.push(await load(measured));
  }
  const summarise = (runs: LoadResult[]): LoadResult => ({
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuMicrosPerRequest: median(runs.map((run) => run.cpuMicrosPerRequest)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
  });
  return { baseline: summarise(baselineRuns), measured: summarise(measuredRuns) };
}

/** The SQL the repositories send for the two reads, captured from Kysely's log, for the bare server. */
async function captureStatements(customerId: number, requestId: number): Promise<Record<string, { sql: string; params: unknown[] }[]>> {
  const config = loadStackConfig();
  const captured: { sql: string; params: unknown[] }[] = [];
  const pool = createPool({ host: '127.0.0.1', port: config.DB_REPLICA_PORT, user: config.DB_USER, password: config.DB_PASSWORD, database, timezone: 'Z' });
  const db = new Kysely<Schema>({
    dialect: new MysqlDialect({ pool: async () => pool }),
    log: (event: LogEvent) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, params: [...event.query.parameters] });
    },
  });
  const repositories = createRepositories(db);
  await repositories.quoteRequests.findById(requestId);
  const byId = captured.splice(0);
  await repositories.quoteRequests.list({ kind: 'customer', customerId }, {}, { after: null, limit: 20 }, new Date());
  const list = captured.splice(0);
  await db.executeQuery(CompiledQuery.raw('SELECT 1'));
  await db.destroy();
  return { byId, list };
}

export const benchmark: Benchmark = {
  name: 'gateway',
  description: `gateway vs bare fastify + mysql2 (same SQL), ${connections} connections, median of ${rounds} alternating ${durationSeconds} s runs`,
  async run() {
    const config = loadStackConfig();
    await stackUp(config);
    const { seeded } = await prepareGatewayData(gatewayDataset);
    if (seeded) await new Promise((resolve) => setTimeout(resolve, 10_000)); // let background flushing after the bulk load settle
    const startGateway = async (extraEnv: Record<string, string>) => {
      const port = await benchPort('gateway');
      const child = startProcess(gatewayEntry, [], {
        NODE_ENV: 'production',
        JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789',
        MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret',
        DB_NAME: database,
        GATEWAY_PORT: String(port),
        LOG_FORMAT: 'json',
        LOG_LEVEL: 'info',
        RATE_LIMIT_MAX: '1000000000',
        GATEWAY_REDIS_KEY_PREFIX: BENCH_NAMES.gateway.gatewayRedisKeyPrefix,
        DB_CLUSTER_NODES: '',
        ...extraEnv,
      }, gatewayNodeFlags());
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/health/ready`);
      return { child, url };
    };
    const children: ChildProcess[] = [];
    try {
      const { child: gateway, url: gatewayUrl } = await startGateway({});
      // The target counts auth, validation, logging and metrics; the Redis rate limit is measured on and off.
      const { child: unlimited, url: unlimitedUrl } = await startGateway({ RATE_LIMIT_ENABLED: 'false' });
      const session = await demoLogin(gatewayUrl, DEMO_LOGINS.customer);
      const auth = session.headers;
      // Login stores a refresh token: a write, so it hands back a GTID like any other write.
      const withToken = { ...auth, 'x-consistency-token': session.consistencyToken };
      const page = await (await fetch(`${gatewayUrl}/v1/quote-requests?limit=20`, { headers: auth })).json() as { items: { id: number }[] };
      const requestId = page.items[0]?.id;
      if (!requestId) throw new Error('the demo customer has no quote requests to read');

      const barePort = await benchPort('gateway');
      const statements = await captureStatements(session.accountId, requestId);
      const bare = startProcess('bench/bare-server.ts', [String(barePort), JSON.stringify({ host: '127.0.0.1', port: config.DB_REPLICA_PORT, user: config.DB_USER, password: config.DB_PASSWORD, database, routes: statements })], {});
      children.push(bare);
      const bareUrl = `http://127.0.0.1:${barePort}`;
      await waitForHttp(`${bareUrl}/byId`);

      const rows: BenchRow[] = [];
      const on = (child: ChildProcess, url: string, headers: Record<string, string> = {}): Target => ({ url, headers, pid: child.pid! });
      const scenarios = [
        { name: 'GET /v1/quote-requests/:id', gateway: on(gateway, `${gatewayUrl}/v1/quote-requests/${requestId}`, auth), bare: on(bare, `${bareUrl}/byId`), target: 'target >= 0.80x' },
        { name: 'GET /v1/quote-requests/:id, rate limit off', gateway: on(unlimited, `${unlimitedUrl}/v1/quote-requests/${requestId}`, auth), bare: on(bare, `${bareUrl}/byId`), target: '' },
        { name: 'GET /v1/quote-requests (list)', gateway: on(gateway, `${gatewayUrl}/v1/quote-requests?limit=20`, auth), bare: on(bare, `${bareUrl}/list`), target: 'target >= 0.90x' },
        { name: 'GET /v1/quote-requests (list), rate limit off', gateway: on(unlimited, `${unlimitedUrl}/v1/quote-requests?limit=20`, auth), bare: on(bare, `${bareUrl}/list`), target: '' },
      ];
      // Every process sees load before any measurement: otherwise the first scenario alone pays the
      // gateway's JIT and heap growth, which the bare server (far less code) gets over sooner.
      for (const target of scenarios.flatMap((scenario) => [scenario.gateway, scenario.bare])) {
        await autocannon({ url: target.url, connections, duration: 3, headers: target.headers });
      }
      for (const scenario of scenarios) {
        const { baseline, measured } = await compare(scenario.bare, scenario.gateway);
        if (measured.non2xx > 0 || baseline.non2xx > 0) throw new Error(`${scenario.name}: ${measured.non2xx} gateway / ${baseline.non2xx} bare requests failed`);
        rows.push(row(`gateway ${scenario.name} throughput`, measured.requestsPerSecond, 'req/s', baseline.requestsPerSecond, `baseline: bare fastify + mysql2, same SQL${scenario.target ? `; ${scenario.target}` : ''}`));
        rows.push(row(`gateway ${scenario.name} p50`, measured.p50Ms, 'ms', baseline.p50Ms));
        rows.push(row(`gateway ${scenario.name} p99`, measured.p99Ms, 'ms', baseline.p99Ms));
        rows.push(row(`gateway ${scenario.name} CPU per request`, measured.cpuMicrosPerRequest, 'µs', baseline.cpuMicrosPerRequest, 'server process CPU time / requests; steadier than req/s on a shared machine'));
      }
      // Read-your-writes: the same read with a token costs one MASTER_GTID_WAIT round trip on the replica.
      const byId = `${unlimitedUrl}/v1/quote-requests/${requestId}`;
      const { baseline: plain, measured: tokened } = await compare(on(unlimited, byId, auth), on(unlimited, byId, withToken));
      if (plain.non2xx > 0 || tokened.non2xx > 0) throw new Error('read-your-writes scenario: requests failed');
      rows.push(row('read-your-writes: GET by id with x-consistency-token, throughput', tokened.requestsPerSecond, 'req/s', plain.requestsPerSecond, 'baseline: the same gateway read without a token; target >= 0.85x'));
      rows.push(row('read-your-writes: GET by id with x-consistency-token, p50', tokened.p50Ms, 'ms', plain.p50Ms));
      rows.push(row('read-your-writes: GET by id with x-consistency-token, CPU per request', tokened.cpuMicrosPerRequest, 'µs', plain.cpuMicrosPerRequest));
      const [gatewayMemory, bareMemory] = await Promise.all([memoryFromMetrics(gatewayUrl), memoryFromRoute(bareUrl)]);
      rows.push(row('gateway memory after load: RSS', gatewayMemory.rssMiB, 'MiB', bareMemory.rssMiB, 'baseline: bare server; target <= 1.15x'));
      rows.push(row('gateway memory after load: V8 heap used', gatewayMemory.heapUsedMiB, 'MiB', bareMemory.heapUsedMiB, 'baseline: bare server'));
      rows.push(row('gateway memory after load: V8 heap total', gatewayMemory.heapTotalMiB, 'MiB', bareMemory.heapTotalMiB, 'baseline: bare server'));
      rows.push(row('gateway memory after load: external (Buffers)', gatewayMemory.externalMiB, 'MiB', bareMemory.externalMiB, 'baseline: bare server'));
      return rows;
    } finally {
      for (const child of children) child.kill('SIGTERM');
    }
  },
};
