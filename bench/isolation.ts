/**
 * What keeps a benchmark apart from a stack running beside it (`npm start`) and from the tests:
 * every server a bench starts listens on the stack's default port for that role moved by
 * BENCH_PORT_OFFSET (npm start's own tests move theirs by 20,000), and every database, BullMQ
 * queue prefix, bucket and Redis key prefix a bench uses is a name of its own (BENCH_NAMES).
 * isolation.test.ts holds them apart from the stack's defaults and from each other.
 */
import { loadStartConfig } from '../tools/supervisor/start-config.ts';
import { portAnswers } from '../tools/stack/processes.ts';

export const BENCH_PORT_OFFSET = 23_000;

const defaults = loadStartConfig({}, []);

/** The stack's default port of each role a bench starts a server for. */
export const STACK_DEFAULT_PORTS = {
  gateway: defaults.GATEWAY_PORT,
  media: defaults.MEDIA_PORT,
  reporter: defaults.REPORTER_PORT,
  mediaWorker: defaults.MEDIA_WORKER_PORT,
  s3: defaults.stack.S3_PORT,
  s3Mirror: defaults.stack.S3_MIRROR_PORT,
  lb: defaults.stack.LB_PORT,
} as const;

export type BenchServerRole = keyof typeof STACK_DEFAULT_PORTS;

/** Further servers of one role in a run go 10 ports apart, as npm start spaces its gateways. */
const INSTANCE_STEP = 10;
const MAX_INSTANCES = 20;
const handedOut = new Set<number>();

/**
 * A port for the next bench server of `role`: the stack's default + BENCH_PORT_OFFSET, then 10
 * further per server already handed out in this process. A port something else answers on (a
 * bench process left behind by a killed run) is passed over with a line on stderr.
 */
export async function benchPort(role: BenchServerRole): Promise<number> {
  const first = STACK_DEFAULT_PORTS[role] + BENCH_PORT_OFFSET;
  for (let instance = 0; instance < MAX_INSTANCES; instance++) {
    const port = first + instance * INSTANCE_STEP;
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await portAnswers(port)) {
      console.error(`bench: port ${port} (${role}) is already in use; taking the next one`);
      continue;
    }
    return port;
  }
  throw new Error(`bench: no free port left for ${role} between ${first} and ${first + (MAX_INSTANCES - 1) * INSTANCE_STEP}`);
}

/**
 * Every name a bench gives what it creates on the shared servers. Queue prefixes follow BullMQ's
 * rule (no ":"); Redis key prefixes end with ":" as the gateway's own do.
 */
export const BENCH_NAMES = {
  gateway: { gatewayRedisKeyPrefix: 'bench-gateway:' },
  lb: { gatewayRedisKeyPrefix: 'bench-lb:' },
  media: { database: 'chucar_bench_media', queuePrefix: 'bench-media', bucket: 'bench-media', gatewayRedisKeyPrefix: 'bench-media:' },
  mediaOps: { database: 'chucar_bench_media_ops', queuePrefix: 'bench-media-ops', bucket: 'bench-media' },
  reporter: { databasePrefix: 'chucar_bench_reporter_', gatewayRedisKeyPrefix: 'bench-reporter:' },
  replicationLag: { database: 'chucar_bench' },
  /** The alerts bench runs npm start on a stack of its own, in this folder under the system's temp dir. */
  alerts: { stackDir: 'chucar-bench-alerts-stack' },
  /** The Galera bench kills nodes: a whole stack of its own, in this folder, every port moved by this (clear of the tests' 20,000 and the benches' 23,000). */
  galera: { stackDir: 'chucar-bench-galera', portOffset: 21_000, writesDatabase: 'chucar_bench_galera_writes', reportsDatabasePrefix: 'chucar_bench_galera_reports_' },
} as const;
