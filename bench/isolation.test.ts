import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../tools/stack/config.ts';
import { galeraNodes } from '../tools/stack/galera.ts';
import { isolatedStartEnv, ownPorts } from '../tools/supervisor/npm-start-harness.ts';
import { loadStartConfig } from '../tools/supervisor/start-config.ts';
import { gatewayDataset } from './gateway-data.ts';
import { BENCH_NAMES, BENCH_PORT_OFFSET, benchPort, STACK_DEFAULT_PORTS, type BenchServerRole } from './isolation.ts';
import { benchMediaNames } from './media-setup.ts';
import { galeraBenchStackEnv } from './galera-stack.ts';

/** The defaults every service documents in .env.example (generated from their env specs). */
function envExampleDefault(name: string): string {
  const line = fs
    .readFileSync(path.join(repoRoot, '.env.example'), 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`.env.example has no ${name}`);
  return line.slice(name.length + 1);
}

/**
 * Every port a stack started with `env` listens on: its servers (a Galera node's group, IST and SST
 * ports too, as the stack lays them out) and npm start's processes.
 */
function stackPorts(env: Record<string, string | undefined>): number[] {
  const config = loadStartConfig(env, []);
  const { stack } = config;
  const galeraPorts = galeraNodes(stack).flatMap((node) => [node.sqlPort, node.groupPort, node.istPort, node.sstPort]);
  return [stack.DB_PRIMARY_PORT, stack.DB_REPLICA_PORT, ...galeraPorts, stack.DB_STATISTICS_PORT, stack.REDIS_PORT, stack.S3_PORT, stack.S3_MIRROR_PORT, ...ownPorts(config)];
}

describe('benchmark isolation', () => {
  it('names no database, queue prefix or Redis key prefix the stack uses, and no two benches share one', () => {
    const databases = [gatewayDataset.database, benchMediaNames.database, BENCH_NAMES.mediaOps.database, BENCH_NAMES.replicationLag.database, `${BENCH_NAMES.reporter.databasePrefix}100000`, BENCH_NAMES.galera.writesDatabase, `${BENCH_NAMES.galera.reportsDatabasePrefix}100000`];
    const stackDatabase = envExampleDefault('DB_NAME');
    for (const database of databases) {
      expect(database).not.toBe(stackDatabase);
      // The tests' databases are chucar_test_*; the app account's grant covers chucar* only.
      expect(database).toMatch(/^chucar_bench/);
    }
    expect(new Set(databases).size).toBe(databases.length);

    const queuePrefixes = [benchMediaNames.queuePrefix, BENCH_NAMES.mediaOps.queuePrefix];
    for (const prefix of queuePrefixes) {
      expect(prefix).not.toBe(envExampleDefault('MEDIA_QUEUE_PREFIX'));
      expect(prefix).not.toBe(envExampleDefault('REPORTER_QUEUE_PREFIX'));
      expect(prefix).toMatch(/^[\w-]{1,32}$/);
    }
    expect(new Set(queuePrefixes).size).toBe(queuePrefixes.length);

    const keyPrefixes = [BENCH_NAMES.gateway, BENCH_NAMES.lb, BENCH_NAMES.media, BENCH_NAMES.reporter].map((names) => names.gatewayRedisKeyPrefix);
    const stackKeyPrefix = envExampleDefault('GATEWAY_REDIS_KEY_PREFIX');
    // Neither is the start of the other, so no key of one can fall under the other's prefix.
    for (const prefix of keyPrefixes) expect(prefix.startsWith(stackKeyPrefix) || stackKeyPrefix.startsWith(prefix)).toBe(false);
    expect(new Set(keyPrefixes).size).toBe(keyPrefixes.length);

    expect(BENCH_NAMES.media.bucket).not.toBe(envExampleDefault('S3_BUCKET'));
  });

  it('hands out ports off the stack, off the npm start tests’ stack, and never the same port twice', async () => {
    const taken = new Set([...stackPorts({}), ...stackPorts(isolatedStartEnv())]);
    const handedOut: number[] = [];
    for (const role of Object.keys(STACK_DEFAULT_PORTS) as BenchServerRole[]) {
      const first = await benchPort(role);
      expect(first).toBeGreaterThanOrEqual(STACK_DEFAULT_PORTS[role] + BENCH_PORT_OFFSET);
      handedOut.push(first, await benchPort(role), await benchPort(role));
    }
    expect(new Set(handedOut).size).toBe(handedOut.length);
    for (const port of handedOut) {
      expect(taken.has(port)).toBe(false);
      expect(port).toBeLessThan(65_536);
    }
  });

  it('moves the alerts bench’s whole npm start stack by the benches’ offset, into a folder of its own', () => {
    const tests = isolatedStartEnv();
    const bench = isolatedStartEnv(path.join('/tmp', BENCH_NAMES.alerts.stackDir), BENCH_PORT_OFFSET);
    expect(bench['STACK_DIR']).not.toBe(tests['STACK_DIR']);
    const benchPorts = stackPorts(bench);
    for (const port of benchPorts) expect(new Set([...stackPorts({}), ...stackPorts(tests)]).has(port)).toBe(false);
    expect(new Set(benchPorts).size).toBe(benchPorts.length);
  });

  it('moves the Galera bench’s whole stack off the shared stack, the npm start tests’ and the alerts bench’s stacks and the benches’ own servers, into a folder of its own', async () => {
    const galera = galeraBenchStackEnv();
    const others = [isolatedStartEnv(), isolatedStartEnv(path.join('/tmp', BENCH_NAMES.alerts.stackDir), BENCH_PORT_OFFSET)];
    expect(others.map((env) => env['STACK_DIR'])).not.toContain(galera['STACK_DIR']);
    const taken = new Set([...stackPorts({}), ...others.flatMap(stackPorts)]);
    for (const role of Object.keys(STACK_DEFAULT_PORTS) as BenchServerRole[]) taken.add(await benchPort(role));
    const galeraPorts = stackPorts(galera);
    for (const port of galeraPorts) expect(taken.has(port), `port ${port}`).toBe(false);
    expect(new Set(galeraPorts).size).toBe(galeraPorts.length);
  });
});
