/**
 * The two servers the gateway benchmark and its profiler compare, started the same way for both:
 * the gateway as `npm start` runs it, and the bare fastify + mysql2 server on the same database
 * servers, with the same pool size per server, replaying the gateway's SQL and answering the same JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CompiledQuery, Kysely, MysqlDialect, type LogEvent } from 'kysely';
import { createPool } from 'mysql2';
import { parse } from 'yaml';
import { createRepositories, type Database as Schema } from '@chucar/domain';
import { loadStackConfig, repoRoot, type StackConfig } from '../tools/stack/config.ts';
import { httpAnswers, waitUntil } from '../tools/stack/processes.ts';
import type { BareServerSettings, ReadStatements, Statement } from './bare-server.ts';
import { bareServerEntry, builtGatewayEntry, gatewayEntry, serverSource } from './built-servers.ts';
import { gatewayDataset } from './gateway-data.ts';
import { BENCH_NAMES, benchPort } from './isolation.ts';

/**
 * `cluster`: the Galera nodes (DB_CLUSTER_NODES), as `npm start` runs the gateways: reads go to the
 * nodes other than the writer, in turn. `primary-replica`: the primary and its replica, reads on the replica.
 */
export type DatabaseMode = 'cluster' | 'primary-replica';

export function isDatabaseMode(value: string): value is DatabaseMode {
  return value === 'cluster' || value === 'primary-replica';
}

/** The gateway's connections per database server (DB_POOL_SIZE's default); the bare server opens as many. */
export const poolSizePerServer = 10;

/** The node flags the gateway ships with (its compose command), so the bench measures the heap it runs with. */
export function gatewayNodeFlags(): string[] {
  const compose = parse(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: unknown }> };
  const command = compose.services['gateway-1']?.command;
  if (!Array.isArray(command) || command[0] !== 'node' || !command.includes(builtGatewayEntry)) throw new Error(`docker-compose.yml: gateway-1 should run [node, ...flags, ${builtGatewayEntry}]`);
  return command.slice(1, command.indexOf(builtGatewayEntry));
}

function startProcess(entry: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, entry, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function waitForHttp(url: string): Promise<void> {
  return waitUntil(url, () => httpAnswers(url, (status) => status < 500), 30_000);
}

/** The Galera nodes in the list order every gateway uses (galera-1 takes writes while it serves). */
export function clusterNodes(config: StackConfig): { host: string; port: number }[] {
  return config.DB_GALERA_PORTS.map((port) => ({ host: '127.0.0.1', port }));
}

/** The servers reads go to in `mode`: the replica, or the cluster's nodes other than its writer (galera-1 on a healthy stack). */
export function readServers(config: StackConfig, mode: DatabaseMode): { host: string; port: number }[] {
  return mode === 'cluster' ? clusterNodes(config).slice(1) : [{ host: '127.0.0.1', port: config.DB_REPLICA_PORT }];
}

export interface StartedServer {
  child: ChildProcess;
  url: string;
}

export interface GatewayStart {
  mode: DatabaseMode;
  env?: Record<string, string>;
  /** Extra node flags after the shipped ones (the profiler's `--inspect`). */
  nodeFlags?: string[];
  /** The built gateway unbundled (the profiler's: frames keep their files). */
  unbundled?: boolean;
}

/**
 * The gateway process as the image runs it (built, the shipped node flags; BENCH_GATEWAY_SOURCE in
 * built-servers.ts), everything on, JSON logs; on a bench port and with Redis keys of its own, so a
 * stack running beside it is untouched.
 */
export async function startGateway({ mode, env = {}, nodeFlags = [], unbundled = false }: GatewayStart): Promise<StartedServer> {
  const config = loadStackConfig();
  const port = await benchPort('gateway');
  const child = startProcess(await gatewayEntry(serverSource(), { unbundled }), [], {
    NODE_ENV: 'production',
    JWT_SECRET: 'benchmark-secret-benchmark-secret-0123456789',
    MEDIA_SERVICE_SECRET: 'benchmark-media-secret-benchmark-media-secret',
    DB_NAME: gatewayDataset.database,
    DB_POOL_SIZE: String(poolSizePerServer),
    DB_CLUSTER_NODES: mode === 'cluster' ? clusterNodes(config).map((node) => `${node.host}:${node.port}`).join(',') : '',
    GATEWAY_PORT: String(port),
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '1000000000',
    GATEWAY_REDIS_KEY_PREFIX: BENCH_NAMES.gateway.gatewayRedisKeyPrefix,
    SHUTDOWN_DRAIN_MS: '0',
    ...env,
  }, [...gatewayNodeFlags(), ...nodeFlags]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health/ready`);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return { child, url };
}

/** The SQL the repositories send for the two reads, captured from Kysely's log on a read server, for the bare server. */
export async function captureStatements(mode: DatabaseMode, customerId: number, requestId: number): Promise<Record<'byId' | 'list', ReadStatements>> {
  const config = loadStackConfig();
  const captured: Statement[] = [];
  const [server] = readServers(config, mode);
  const pool = createPool({ host: server!.host, port: server!.port, user: config.DB_USER, password: config.DB_PASSWORD, database: gatewayDataset.database, timezone: 'Z' });
  const db = new Kysely<Schema>({
    dialect: new MysqlDialect({ pool: async () => pool }),
    log: (event: LogEvent) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, params: [...event.query.parameters] });
    },
  });
  const repositories = createRepositories(db);
  // Kysely logs a statement when it completes, so the parallel ones are told apart by their table.
  const byTable = (statements: Statement[]): ReadStatements => {
    const from = (table: string) => {
      const statement = statements.find((candidate) => candidate.sql.startsWith(`select * from \`${table}\``));
      if (!statement) throw new Error(`the repository sent no read of ${table}: ${JSON.stringify(statements)}`);
      return statement;
    };
    return { requests: from('quote_requests'), options: from('quote_request_options'), attachments: from('quote_request_attachments') };
  };
  await repositories.quoteRequests.findById(requestId);
  const byId = byTable(captured.splice(0));
  await repositories.quoteRequests.list({ kind: 'customer', customerId }, {}, { after: null, limit: 20 }, new Date());
  const list = byTable(captured.splice(0));
  await db.executeQuery(CompiledQuery.raw('SELECT 1'));
  await db.destroy();
  return { byId, list };
}

/** The bare server on the read servers of `mode`, a pool of `poolSizePerServer` on each, reads spread in turn as the gateway spreads them. */
export async function startBareServer(mode: DatabaseMode, routes: BareServerSettings['routes'], nodeFlags: string[] = []): Promise<StartedServer> {
  const config = loadStackConfig();
  const port = await benchPort('gateway');
  const settings: BareServerSettings = {
    servers: readServers(config, mode),
    user: config.DB_USER,
    password: config.DB_PASSWORD,
    database: gatewayDataset.database,
    poolSize: poolSizePerServer,
    routes,
  };
  const child = startProcess(await bareServerEntry(serverSource()), [String(port), JSON.stringify(settings)], {}, nodeFlags);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/memory`);
  } catch (error) {
    child.kill('SIGTERM');
    throw error;
  }
  return { child, url };
}
