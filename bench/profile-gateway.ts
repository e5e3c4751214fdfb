/**
 * Where the gateway's read path spends its CPU, next to the bare server's: both started as the
 * gateway benchmark starts them, each profiled over its inspector (sampling, as --cpu-prof) while
 * autocannon loads it after a warm-up. Prints CPU per request, the time per layer in microseconds
 * per request (each layer's share of the sampled busy time × the measured CPU per request), and the
 * top self-time frames; writes the .cpuprofile files (open them in Chrome DevTools or speedscope).
 *
 * With `--measure allocations` it samples the heap's allocations instead (objects freed again by a
 * collection included) and prints the bytes each request allocates, per layer and per frame: the
 * garbage a request leaves is what its collection time is paid for.
 *
 * The gateway runs built but unbundled (dist/apps/api-gateway/main.js, the same code as the image's
 * bundle, one file per source), so each frame keeps the file its layer is told by.
 *
 * Usage (under the bench lock, as the benchmarks run):
 *   node bench/profile-gateway.ts [--mode cluster|primary-replica] [--measure cpu|allocations] [--seconds 10] [--warm-up 20] [--rate-limit on|off] [--out dir]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { DEMO_LOGINS } from '../tools/db/seed/generate-accounts.ts';
import { allocationsAsProfile, busyMicros, connectProfiler, type HeapProfileNode, timeByLayer, topSelfFrames, type CpuProfile, type Layer } from './cpu-profile.ts';
import { demoLogin, firstQuoteRequestId, gatewayDataset, prepareGatewayData } from './gateway-data.ts';
import { captureStatements, gatewayNodeFlags, isDatabaseMode, startBareServer, startGateway, type StartedServer } from './gateway-servers.ts';
import { cpuTimeMs } from './process-usage.ts';

const { values: options } = parseArgs({
  options: {
    mode: { type: 'string', default: 'cluster' },
    measure: { type: 'string', default: 'cpu' },
    seconds: { type: 'string', default: '10' },
    'rate-limit': { type: 'string', default: 'on' },
    out: { type: 'string', default: path.join(repoRoot, 'bench/results/profiles') },
    top: { type: 'string', default: '25' },
    // The gateway's CPU per request keeps falling for tens of seconds of load while V8 optimises it.
    'warm-up': { type: 'string', default: '20' },
  },
});
const mode = options.mode;
if (!isDatabaseMode(mode)) throw new Error(`--mode must be cluster or primary-replica, not ${mode}`);
const measure = options.measure;
if (measure !== 'cpu' && measure !== 'allocations') throw new Error(`--measure must be cpu or allocations, not ${measure}`);
const seconds = Number(options.seconds);
const connections = 50;
/** One sample per 200 µs: a gateway request costs a few hundred µs, so each one is seen about twice. */
const samplingIntervalMicros = 200;
/** One allocation sample per 4 KiB: a read allocates tens of KiB, so each request is seen several times. */
const samplingIntervalBytes = 4096;

const packageFile = (name: string) => (file: string) => file.includes(`node_modules/${name}/`);
const repoFile = (prefix: string) => (file: string) => file.startsWith(prefix);

/**
 * The layers a request crosses, innermost first where they nest: a sample counts for the innermost
 * frame a layer claims, so Kysely under a repository counts as the database client, and Node's own
 * frames (sockets, streams, crypto) count for the layer that called them.
 */
const layers: Layer[] = [
  { name: 'garbage collection', match: (_file, fn) => fn === '(garbage collector)' },
  { name: 'V8 and native code outside JS (program)', match: (_file, fn) => fn === '(program)' },
  { name: 'database client (mysql2, Kysely, query timeout wrapper)', match: (file) => ['mysql2', 'kysely', 'sqlstring', 'named-placeholders', 'lru.min', 'iconv-lite', 'long', 'generate-function', 'seq-queue'].some((name) => packageFile(name)(file)) || file.endsWith('libs/platform/src/db/database.ts') || file.endsWith('libs/platform/src/db/query-values.ts') },
  { name: 'rate limit (local count, Redis sync)', match: (file) => repoFile('apps/api-gateway/src/plugins/rate-limit')(file) || packageFile('ioredis')(file) || packageFile('redis-parser')(file) },
  { name: 'auth (bearer token, cached verification)', match: (file) => repoFile('apps/api-gateway/src/plugins/auth.ts')(file) || repoFile('libs/platform/src/auth/')(file) || packageFile('fast-jwt')(file) },
  { name: 'metrics (prom-client)', match: (file) => packageFile('prom-client')(file) || repoFile('libs/platform/src/http/metrics.ts')(file) || file.endsWith('database-metrics.ts') || file.endsWith('database-cluster-metrics.ts') },
  { name: 'logging (pino, the request line)', match: (file) => ['pino', 'sonic-boom', 'fast-redact', 'pino-std-serializers', 'quick-format-unescaped', 'fast-safe-stringify', 'atomic-sleep', 'thread-stream'].some((name) => packageFile(name)(file)) || repoFile('libs/platform/src/logging/')(file) || repoFile('libs/platform/src/http/http-service.ts')(file) },
  {
    name: 'read session, freshness headers, consistency token',
    match: (file) => ['read-router.ts', 'cluster-read-session.ts', 'cluster-monitor.ts', 'galera-dialect.ts', 'mariadb-dialect.ts', 'database-cluster.ts', 'cluster-writer-pool.ts'].some((name) => file.endsWith(`libs/platform/src/db/${name}`)) || repoFile('apps/api-gateway/src/plugins/databases.ts')(file) || repoFile('apps/api-gateway/src/plugins/request-context.ts')(file),
  },
  { name: 'services wiring per request', match: (file) => repoFile('apps/api-gateway/src/plugins/domain-services.ts')(file) },
  { name: 'request id, security headers, CORS', match: (file) => repoFile('libs/platform/src/http/request-id.ts')(file) || repoFile('apps/api-gateway/src/plugins/security')(file) || packageFile('@fastify/cors')(file) },
  { name: 'domain (service, repository, row mapping)', match: (file) => repoFile('libs/domain/')(file) },
  { name: 'response serialization (fast-json-stringify, JSON.stringify)', match: (file, fn) => packageFile('fast-json-stringify')(file) || (file === '' && (fn === 'stringify' || fn === 'anonymous')) },
  { name: 'route handlers', match: (file) => repoFile('apps/api-gateway/src/routes/')(file) || file.endsWith('bench/bare-server.ts') },
  { name: 'fastify (routing, hooks, validation, reply)', match: (file) => ['fastify', 'find-my-way', 'avvio', 'ajv', 'fast-querystring', 'fast-uri', 'toad-cache', '@fastify/ajv-compiler', '@fastify/error', 'light-my-request', 'fastify-plugin', 'process-warning', 'abstract-logging', 'rfdc', 'fast-decode-uri-component', 'safe-regex2', 'ret'].some((name) => packageFile(name)(file)) },
];
const unclaimed = 'Node core with no JS caller above (HTTP parser, sockets, timers, event loop)';

interface Measured {
  label: string;
  requests: number;
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  profile: CpuProfile;
  /** The allocation profile as V8 gave it, for DevTools (`--measure allocations`). */
  heapProfile?: HeapProfileNode;
}

async function profileUnderLoad(label: string, target: StartedServer, inspectorPort: number, url: string, headers: Record<string, string>): Promise<Measured> {
  await autocannon({ url, connections, duration: Number(options['warm-up']), headers }); // warm-up: JIT, pools, heap size
  const profiler = await connectProfiler(inspectorPort);
  try {
    if (measure === 'cpu') await profiler.start(samplingIntervalMicros);
    else await profiler.startAllocationSampling(samplingIntervalBytes);
    const cpuBefore = cpuTimeMs(target.child.pid!);
    const result = await autocannon({ url, connections, duration: seconds, headers });
    const cpuMs = cpuTimeMs(target.child.pid!) - cpuBefore;
    const heapProfile = measure === 'cpu' ? undefined : await profiler.stopAllocationSampling();
    const profile = heapProfile ? allocationsAsProfile(heapProfile) : await profiler.stop();
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0) throw new Error(`${label}: ${failed} requests failed`);
    const requests = Math.max(1, result.requests.average * seconds);
    return { label, requests, cpuMicrosPerRequest: (cpuMs * 1000) / requests, requestsPerSecond: result.requests.average, profile, heapProfile };
  } finally {
    profiler.close();
  }
}

function reportAllocations(measured: Measured, outDir: string): void {
  const kib = (bytes: number) => (bytes / 1024 / measured.requests).toFixed(2);
  // The profile's weights are bytes here, and an allocation profile has no idle frames: its "busy" sum is every byte.
  const total = busyMicros(measured.profile);
  console.log(`\n## ${measured.label}: ${measured.requestsPerSecond.toFixed(0)} req/s, ${kib(total)} KiB allocated per request (sampled every ${samplingIntervalBytes} bytes)`);
  console.log('\n| layer | KiB per request | share |\n|---|---:|---:|');
  const byLayer = [...timeByLayer(measured.profile, repoRoot, layers, unclaimed)].sort((a, b) => b[1] - a[1]);
  for (const [layer, bytes] of byLayer) console.log(`| ${layer} | ${kib(bytes)} | ${((bytes / total) * 100).toFixed(1)} % |`);
  console.log(`\n| top allocating frames | KiB per request | share |\n|---|---:|---:|`);
  for (const { frame, micros: bytes } of topSelfFrames(measured.profile, repoRoot, Number(options.top))) console.log(`| \`${frame}\` | ${kib(bytes)} | ${((bytes / total) * 100).toFixed(1)} % |`);
  console.log(`\nprofile: ${path.relative(repoRoot, writeProfile(outDir, measured.label, '.heapprofile', { head: measured.heapProfile, samples: [] }))}`);
}

function writeProfile(outDir: string, label: string, extension: string, profile: unknown): string {
  const file = path.join(outDir, `${label.replace(/[^\w-]+/g, '-')}${extension}`);
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

function report(measured: Measured, outDir: string): void {
  if (measure === 'allocations') return reportAllocations(measured, outDir);
  const busy = busyMicros(measured.profile);
  const perRequest = (micros: number) => ((micros / busy) * measured.cpuMicrosPerRequest).toFixed(1);
  console.log(`\n## ${measured.label}: ${measured.requestsPerSecond.toFixed(0)} req/s, ${measured.cpuMicrosPerRequest.toFixed(0)} µs CPU per request (sampled busy ${(busy / measured.requests).toFixed(0)} µs per request with the profiler on)`);
  console.log('\n| layer | µs per request | share |\n|---|---:|---:|');
  const byLayer = [...timeByLayer(measured.profile, repoRoot, layers, unclaimed)].sort((a, b) => b[1] - a[1]);
  for (const [layer, micros] of byLayer) console.log(`| ${layer} | ${perRequest(micros)} | ${((micros / busy) * 100).toFixed(1)} % |`);
  console.log(`\n| top self-time frames | µs per request | share |\n|---|---:|---:|`);
  for (const { frame, micros } of topSelfFrames(measured.profile, repoRoot, Number(options.top))) console.log(`| \`${frame}\` | ${perRequest(micros)} | ${((micros / busy) * 100).toFixed(1)} % |`);
  console.log(`\nprofile: ${path.relative(repoRoot, writeProfile(outDir, measured.label, '.cpuprofile', measured.profile))}`);
}

const config = loadStackConfig();
await stackUp(config);
await prepareGatewayData(gatewayDataset, mode === 'cluster' ? 'cluster' : 'primary');
fs.mkdirSync(options.out, { recursive: true });
const started: StartedServer[] = [];
try {
  const gatewayInspector = await unusedLoopbackPort();
  const gateway = await startGateway({ mode, unbundled: true, nodeFlags: [`--inspect=127.0.0.1:${gatewayInspector}`], env: options['rate-limit'] === 'off' ? { RATE_LIMIT_ENABLED: 'false' } : {} });
  started.push(gateway);
  const session = await demoLogin(gateway.url, DEMO_LOGINS.customer);
  const requestId = await firstQuoteRequestId(gateway.url, session.headers);
  const bareInspector = await unusedLoopbackPort();
  const bare = await startBareServer(mode, await captureStatements(mode, session.accountId, requestId), [...gatewayNodeFlags(), `--inspect=127.0.0.1:${bareInspector}`]);
  started.push(bare);
  console.log(`# gateway read path ${measure === 'cpu' ? 'CPU' : 'allocation'} profile: ${mode} mode, rate limit ${options['rate-limit']}, ${connections} connections, ${seconds} s per target, sampling every ${measure === 'cpu' ? `${samplingIntervalMicros} µs` : `${samplingIntervalBytes} bytes`}`);
  report(await profileUnderLoad(`gateway GET by id (${mode})`, gateway, gatewayInspector, `${gateway.url}/v1/quote-requests/${requestId}`, session.headers), options.out);
  report(await profileUnderLoad(`bare GET by id (${mode})`, bare, bareInspector, `${bare.url}/byId`, {}), options.out);
  report(await profileUnderLoad(`gateway list (${mode})`, gateway, gatewayInspector, `${gateway.url}/v1/quote-requests?limit=20`, session.headers), options.out);
  report(await profileUnderLoad(`bare list (${mode})`, bare, bareInspector, `${bare.url}/list`, {}), options.out);
} finally {
  for (const server of started) server.child.kill('SIGTERM');
}
process.exit(0);
