/**
 * A load-balanced cluster a fault test owns: N gateway processes on unused loopback ports behind its
 * own HAProxy, against the test database, with the primary reached through a proxy the test can cut
 * (the shared primary itself never stops). Everything here is stopped by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localStackSettings, startCuttableProxy, testDatabaseName, unusedLoopbackPort, type CuttableProxy } from '@chucar/platform/testing';
import { repoRoot } from '../stack/config.ts';
import { drainNeededMs, startHaproxy, type BalancerSettings, type RunningBalancer } from '../lb/haproxy.ts';

export interface GatewayProcess {
  name: string;
  port: number;
  url: string;
  /** Starts it (again, on the same port) and waits until it is ready. */
  start(): Promise<void>;
  /** SIGKILL: a crash. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: drains (readiness fails, still serving), then closes. Resolves once it exited. */
  terminate(): Promise<void>;
  running(): boolean;
  pid(): number | undefined;
}

export interface LbCluster {
  balancer: RunningBalancer;
  gateways: GatewayProcess[];
  primary: CuttableProxy;
  checks: Pick<BalancerSettings, 'checkIntervalMs' | 'fall' | 'rise'>;
  /** Another HAProxy in front of the same gateways, with other settings; stopped with the cluster. */
  startBalancer(settings: Pick<BalancerSettings, 'retryKeyedWrites'>): Promise<RunningBalancer>;
  stop(): Promise<void>;
}

/** Fast checks keep the tests short; the drain follows the same rule as production (interval × (fall + 1)). */
const fastChecks = { checkIntervalMs: 200, fall: 2, rise: 1 } as const;

export interface LbClusterOptions {
  instances?: number;
  /** Default: the test database. */
  database?: string;
  checks?: Pick<BalancerSettings, 'checkIntervalMs' | 'fall' | 'rise'>;
  /** Extra gateway environment (the bench's node flags go in `nodeFlags`). */
  env?: Record<string, string>;
  nodeFlags?: string[];
  /** HAProxy's own log lines (server state changes). */
  onBalancerLine?: (line: string) => void;
  /** Where each gateway and balancer listens; default: any loopback port free now. */
  portFor?: (role: 'gateway' | 'lb') => Promise<number>;
}

async function waitForReady(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gateway at ${url} not ready within ${timeoutMs} ms:\n${output()}`);
}

function gatewayProcess(name: string, port: number, env: Record<string, string>, nodeFlags: string[]): GatewayProcess {
  let child: ChildProcess | null = null;
  let output = '';
  const exited = () => new Promise<void>((resolve) => (child === null || child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  const url = `http://127.0.0.1:${port}`;
  return {
    name,
    port,
    url,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,
    pid: () => child?.pid,
    async start() {
      output = '';
      const started = spawn(process.execPath, [...nodeFlags, path.join(repoRoot, 'apps/api-gateway/src/main.ts')], {
        cwd: repoRoot,
        env: { ...process.env, ...env, GATEWAY_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20_000);
        if (process.env['LB_FAULTS_LOG_DIR']) fs.appendFileSync(path.join(process.env['LB_FAULTS_LOG_DIR'], `${name}.log`), chunk);
      };
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      child = started;
      await waitForReady(url, started, () => output);
    },
    async kill() {
      const gone = exited();
      child?.kill('SIGKILL');
      await gone;
    },
    async terminate() {
      const gone = exited();
      child?.kill('SIGTERM');
      await gone;
    },
  };
}

export async function startLbCluster(options: LbClusterOptions = {}): Promise<LbCluster> {
  const { instances = 2, database = testDatabaseName, checks = fastChecks, portFor = () => unusedLoopbackPort() } = options;
  const primary = await startCuttableProxy({ host: '127.0.0.1', port: localStackSettings().DB_PRIMARY_PORT });
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env['LB_FAULTS_LOG_LEVEL'] ?? 'warn',
    DB_NAME: database,
    DB_PRIMARY_PORT: String(primary.port),
    DB_CONNECT_TIMEOUT_MS: '1000',
    PRIMARY_CHECK_INTERVAL_MS: '200',
    REPLICA_CHECK_INTERVAL_MS: '200',
    TRUST_PROXY: 'true',
    RATE_LIMIT_ENABLED: 'false',
    SHUTDOWN_DRAIN_MS: String(drainNeededMs(checks)),
    // Nothing here talks to the media service; point it at a closed port rather than anyone's.
    MEDIA_SERVICE_URL: `http://127.0.0.1:${await unusedLoopbackPort()}`,
    ...options.env,
  };
  const gateways: GatewayProcess[] = [];
  for (let index = 0; index < instances; index += 1) gateways.push(gatewayProcess(`gateway-${index + 1}`, await portFor('gateway'), env, options.nodeFlags ?? []));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-faults-'));
  try {
    await Promise.all(gateways.map((gateway) => gateway.start()));
    const servers = gateways.map(({ name, port }) => ({ name, port }));
    const balancer = await startHaproxy({ port: await portFor('lb'), servers, ...checks }, path.join(dir, 'haproxy.cfg'), options.onBalancerLine);
    const extraBalancers: RunningBalancer[] = [];
    return {
      balancer,
      gateways,
      primary,
      checks,
      async startBalancer(settings) {
        const extra = await startHaproxy({ port: await portFor('lb'), servers, ...checks, ...settings }, path.join(dir, `haproxy-${extraBalancers.length + 2}.cfg`));
        extraBalancers.push(extra);
        return extra;
      },
      async stop() {
        await Promise.all([balancer, ...extraBalancers].map((running) => running.stop()));
        await Promise.all(gateways.map((gateway) => gateway.kill()));
        await primary.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(gateways.map((gateway) => gateway.kill()));
    await primary.close();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
