/**
 * The load balancer: GET one quote request through HAProxy in front of two gateways
 * against one gateway direct, in the same run (alternating rounds, medians), HAProxy's CPU per
 * request, and how long HAProxy keeps a gateway killed with SIGKILL in rotation. Everything runs on
 * this machine's cores: with 2 cores, autocannon, HAProxy and both gateways compete for them, so
 * the balanced figure is not twice the direct one and the ratio is a floor, not the overhead alone.
 */
import autocannon from 'autocannon';
import { stackUp } from '../tools/stack/stack.ts';
import { loadStackConfig } from '../tools/stack/config.ts';
import { localBalancerChecks } from '../tools/lb/haproxy.ts';
import { startLbCluster } from '../tools/faults/lb-cluster.ts';
import { DEMO_LOGINS } from '../tools/db/seed/generate-accounts.ts';
import { demoLogin, firstQuoteRequestId, gatewayDataset, prepareGatewayData } from './gateway-data.ts';
import { median, row, type Benchmark, type BenchRow } from './harness.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';
import { cpuTimeMs } from './process-usage.ts';

const connections = 50;
const durationSeconds = Number(process.env['BENCH_DURATION_S'] ?? 4);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);

interface Run {
  requestsPerSecond: number;
  p99Ms: number;
  failed: number;
  requests: number;
}

async function load(url: string, headers: Record<string, string>, seconds = durationSeconds): Promise<Run> {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, failed: result.non2xx + result.errors + result.timeouts, requests: result.requests.average * seconds };
}


export const benchmark: Benchmark = {
  name: 'lb',
  description: `HAProxy + 2 gateways vs 1 gateway direct, ${connections} connections, median of ${rounds} alternating ${durationSeconds} s runs; time to drop a killed gateway`,
  async run() {
    await stackUp(loadStackConfig());
    await prepareGatewayData(gatewayDataset);
    const downAt = new Map<string, number>();
    const cluster = await startLbCluster({
      database: gatewayDataset.database,
      checks: localBalancerChecks,
      env: { NODE_ENV: 'production', JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789', MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret', LOG_FORMAT: 'json', LOG_LEVEL: 'info', RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_MAX: '1000000000', GATEWAY_REDIS_KEY_PREFIX: BENCH_NAMES.lb.gatewayRedisKeyPrefix },
      nodeFlags: ['--max-semi-space-size=16', '--max-old-space-size=256'],
      portFor: benchPort,
      onBalancerLine: (line) => {
        const down = /Server gateways\/(\S+) is DOWN/.exec(line);
        if (down) downAt.set(down[1]!, performance.now());
      },
    });
    try {
      const [first] = cluster.gateways;
      const auth = (await demoLogin(first!.url, DEMO_LOGINS.customer)).headers;
      const path = `/v1/quote-requests/${await firstQuoteRequestId(first!.url, auth)}`;
      const direct = `${first!.url}${path}`;
      const balanced = `${cluster.balancer.url}${path}`;

      for (const url of [direct, balanced]) await load(url, auth, 3); // warm-up: JIT, pools, connections
      const directRuns: Run[] = [];
      const balancedRuns: Run[] = [];
      let haproxyCpuMs = 0;
      let balancedRequests = 0;
      for (let round = 0; round < rounds; round += 1) {
        directRuns.push(await load(direct, auth));
        const cpuBefore = cpuTimeMs(cluster.balancer.process.pid!);
        const run = await load(balanced, auth);
        haproxyCpuMs += cpuTimeMs(cluster.balancer.process.pid!) - cpuBefore;
        balancedRequests += run.requests;
        balancedRuns.push(run);
      }
      const directRps = median(directRuns.map((run) => run.requestsPerSecond));
      const balancedRps = median(balancedRuns.map((run) => run.requestsPerSecond));
      const failed = [...directRuns, ...balancedRuns].reduce((sum, run) => sum + run.failed, 0);
      const rows: BenchRow[] = [
        row('GET /v1/quote-requests/:id via HAProxy + 2 gateways', balancedRps, 'req/s', directRps, `baseline: 1 gateway direct; 2 cores shared by autocannon, HAProxy and the gateways${failed > 0 ? `; ${failed} non-2xx` : ''}`),
        row('p99 via HAProxy + 2 gateways', median(balancedRuns.map((run) => run.p99Ms)), 'ms', median(directRuns.map((run) => run.p99Ms)), 'baseline: 1 gateway direct'),
        row('HAProxy CPU per request', (haproxyCpuMs * 1000) / Math.max(1, balancedRequests), 'µs', null, 'user + system time of the haproxy process / requests it passed'),
      ];

      // A gateway killed with SIGKILL under light load: how long until HAProxy takes it out, and what clients saw.
      let stop = false;
      let clientFailures = 0;
      let clientRequests = 0;
      const traffic = Promise.all(
        Array.from({ length: 10 }, async () => {
          while (!stop) {
            clientRequests += 1;
            const ok = await fetch(balanced, { headers: auth, signal: AbortSignal.timeout(5000) }).then((response) => response.ok, () => false);
            if (!ok) clientFailures += 1;
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const killedAt = performance.now();
      await first!.kill();
      const deadline = Date.now() + 15_000;
      while (!downAt.has(first!.name) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop = true;
      await traffic;
      const downAfterMs = (downAt.get(first!.name) ?? Number.NaN) - killedAt;
      const expectedMs = localBalancerChecks.checkIntervalMs * localBalancerChecks.fall;
      rows.push(
        row('killed gateway out of rotation after', downAfterMs, 'ms', expectedMs, `baseline: check interval × fall; ${clientRequests} GETs meanwhile, ${clientFailures} failed (requests that reached the dead gateway were retried by HAProxy on the live one)`),
      );
      return rows;
    } finally {
      await cluster.stop();
    }
  },
};
