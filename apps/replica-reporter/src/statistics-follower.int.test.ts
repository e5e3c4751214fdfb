/**
 * The follower on the stack's real Galera cluster and statistics replica, as `npm run
 * reporter:follow` runs it. Node 1 is cut from the replica's point of view only: the replica
 * follows node 1 through a TCP proxy, and the proxy is cut, while node 1 itself runs on for the
 * other tests. The follower must repoint the replica to node 2 by GTID within 30 s, with every row
 * once. afterAll points the replica back at node 1 as the stack set it up.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSqlOnConnection, type ReplicaSourceStatus, type SourceNode } from '@chucar/platform';
import { configureReplication, localStackSettings, readReplicaSourceStatus, startCuttableProxy, startReplication, startServiceProcess, unusedLoopbackPort, type CuttableProxy, type ServiceProcess } from '@chucar/platform/testing';
import { loadStatisticsFollowerConfig } from './config.ts';
import { runEntry } from './testing/cli-process.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The stack's cluster and statistics replica where this stack runs them, with the follower's default accounts. */
const stackPorts = localStackSettings();
const stackEnvForFollower = {
  STATISTICS_SOURCE_NODES: stackPorts.DB_GALERA_PORTS.map((port) => `127.0.0.1:${port}`).join(','),
  STATISTICS_REPLICA_HOST: '127.0.0.1',
  STATISTICS_REPLICA_PORT: String(stackPorts.DB_STATISTICS_PORT),
};
const stack = loadStatisticsFollowerConfig(stackEnvForFollower);
const [node1, node2, node3] = stack.sourceNodes as [SourceNode, SourceNode, SourceNode];
const replicaAddress = { host: stack.STATISTICS_REPLICA_HOST, port: stack.STATISTICS_REPLICA_PORT };
const testDatabase = 'chucar_follow_test';
const REPOINT_DEADLINE_MS = 30_000;

function connectAsAdmin(address: SourceNode): Promise<mysql.Connection> {
  return mysql.createConnection({ ...address, user: stack.STATISTICS_ADMIN_USER, password: stack.STATISTICS_ADMIN_PASSWORD, connectTimeout: 5000 });
}

async function pointReplicaAt(replica: mysql.Connection, source: SourceNode): Promise<void> {
  const run = runSqlOnConnection(replica, 20_000);
  await run('STOP SLAVE');
  await configureReplication(run, { ...source, user: stack.STATISTICS_REPLICATION_USER, password: stack.STATISTICS_REPLICATION_PASSWORD });
  await startReplication(run);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the replica applied everything `node` has in its binlog; false on timeout. */
async function replicaCaughtUpWith(replica: mysql.Connection, node: mysql.Connection, timeoutS: number): Promise<boolean> {
  const [[{ position }]] = (await node.query('SELECT @@global.gtid_binlog_pos AS position')) as unknown as [[{ position: string }]];
  const [[{ result }]] = (await replica.query({ sql: 'SELECT MASTER_GTID_WAIT(?, ?) AS result', values: [position, timeoutS], timeout: (timeoutS + 5) * 1000 })) as unknown as [[{ result: number }]];
  return Number(result) === 0;
}

interface TableSummary {
  rows: number;
  distinctIds: number;
  payloadSum: number;
  checksum: number;
}

async function summarise(connection: mysql.Connection): Promise<TableSummary> {
  const [[counts]] = (await connection.query(`SELECT COUNT(*) AS rows_, COUNT(DISTINCT id) AS ids, COALESCE(SUM(payload), 0) AS total FROM ${testDatabase}.follow_rows`)) as unknown as [[{ rows_: number; ids: number; total: string }]];
  const [[checksum]] = (await connection.query(`CHECKSUM TABLE ${testDatabase}.follow_rows`)) as unknown as [[{ Checksum: number }]];
  return { rows: Number(counts.rows_), distinctIds: Number(counts.ids), payloadSum: Number(counts.total), checksum: Number(checksum.Checksum) };
}

async function insertRows(connection: mysql.Connection, writtenOn: string, count: number): Promise<void> {
  // Ten rows per transaction: many GTIDs, as the replica would see them in use.
  for (let first = 0; first < count; first += 10) {
    const values = Array.from({ length: Math.min(10, count - first) }, (_, index) => [first + index + 1, writtenOn]);
    await connection.query(`INSERT INTO ${testDatabase}.follow_rows (payload, written_on) VALUES ?`, [values]);
  }
}

async function metricValue(metricsUrl: string, line: RegExp): Promise<number | null> {
  const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
  const found = text.split('\n').find((candidate) => line.test(candidate));
  return found === undefined ? null : Number(found.split(' ').at(-1));
}

describe('the statistics replica follower on the local Galera cluster', () => {
  let replica: mysql.Connection;
  let writer1: mysql.Connection;
  let writer2: mysql.Connection;
  let proxy: CuttableProxy;
  let original: ReplicaSourceStatus | null = null;
  let follower: ServiceProcess | null = null;
  let followPort: number;

  beforeAll(async () => {
    replica = await connectAsAdmin(replicaAddress);
    writer1 = await connectAsAdmin(node1);
    writer2 = await connectAsAdmin(node2);
    original = await readReplicaSourceStatus(runSqlOnConnection(replica));
    proxy = await startCuttableProxy(node1);
    await writer1.query(`DROP DATABASE IF EXISTS ${testDatabase}`);
    await writer1.query(`CREATE DATABASE ${testDatabase}`);
    await writer1.query(`CREATE TABLE ${testDatabase}.follow_rows (id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY, payload INT NOT NULL, written_on VARCHAR(8) NOT NULL) ENGINE=InnoDB`);
    await pointReplicaAt(replica, { host: '127.0.0.1', port: proxy.port });
    await waitFor('the replica following node 1 through the proxy', 15_000, async () => {
      const status = await readReplicaSourceStatus(runSqlOnConnection(replica));
      return status?.sourcePort === proxy.port && status.ioState === 'running' ? status : null;
    });
    followPort = await unusedLoopbackPort();
  });

  afterAll(async () => {
    await follower?.stop();
    // The stack as it was: the replica follows what it followed before (node 1, directly).
    const source = original ? { host: original.sourceHost, port: original.sourcePort } : node1;
    if (replica) await pointReplicaAt(replica, source);
    await writer1?.query(`DROP DATABASE IF EXISTS ${testDatabase}`);
    if (replica && writer1) await replicaCaughtUpWith(replica, writer1, 30);
    await proxy?.close();
    await Promise.all([replica?.end(), writer1?.end(), writer2?.end()]);
  });

  it('repoints the replica to node 2 within 30 s of losing node 1, and the replica then holds every row once', { timeout: 120_000 }, async () => {
    follower = await startServiceProcess({
      name: 'reporter:follow',
      entry: path.join(repoRoot, 'apps/replica-reporter/src/main-follow.ts'),
      cwd: repoRoot,
      env: { ...stackEnvForFollower, LOG_LEVEL: 'info', LOG_FORMAT: 'json', REPORTER_HOST: '127.0.0.1', STATISTICS_FOLLOW_PORT: String(followPort), STATISTICS_SOURCE_NODES: [`127.0.0.1:${proxy.port}`, `${node2.host}:${node2.port}`, `${node3.host}:${node3.port}`].join(',') },
      readyUrl: `http://127.0.0.1:${followPort}/health/ready`,
    });
    const metricsUrl = `http://127.0.0.1:${followPort}/metrics`;
    const ready = (await (await fetch(`http://127.0.0.1:${followPort}/health/ready`, { signal: AbortSignal.timeout(5000) })).json()) as { status: string; checks: Record<string, { status: string; detail?: string }> };
    expect(ready.checks['statistics_replica']).toMatchObject({ status: 'up', detail: `following 127.0.0.1:${proxy.port}` });

    await insertRows(writer1, 'node1', 200);
    expect(await replicaCaughtUpWith(replica, writer1, 30)).toBe(true);
    expect((await summarise(replica)).rows).toBe(200);

    const cutAt = performance.now();
    await proxy.cut('refuse');
    // The cluster goes on without the replica: these rows reach it only from its new source.
    await insertRows(writer2, 'node2', 100);

    const repointed = await waitFor('the replica on node 2 with both threads running', REPOINT_DEADLINE_MS, async () => {
      const status = await readReplicaSourceStatus(runSqlOnConnection(replica));
      return status?.sourcePort === node2.port && status.ioState === 'running' && status.sqlRunning ? status : null;
    });
    expect(await replicaCaughtUpWith(replica, writer2, 30)).toBe(true);
    const caughtUpAfterS = (performance.now() - cutAt) / 1000;
    console.info(`statistics replica: on node 2 and caught up ${caughtUpAfterS.toFixed(1)} s after node 1 was cut`);
    expect(caughtUpAfterS).toBeLessThan(REPOINT_DEADLINE_MS / 1000);
    expect(repointed).toMatchObject({ sourceHost: node2.host, sourcePort: node2.port, usesGtid: true, lastSqlErrno: 0 });

    const onReplica = await summarise(replica);
    const onCluster = await summarise(writer2);
    expect(onReplica).toEqual(onCluster);
    expect(onReplica).toMatchObject({ rows: 300, distinctIds: 300, payloadSum: (200 * 201) / 2 + (100 * 101) / 2 });

    expect(await metricValue(metricsUrl, /^statistics_replica_repoints_total /)).toBe(1);
    expect(await metricValue(metricsUrl, new RegExp(`^statistics_replica_source\\{node="127\\.0\\.0\\.1:${node2.port}"\\}`))).toBe(1);
    expect(await metricValue(metricsUrl, new RegExp(`^statistics_replica_source\\{node="127\\.0\\.0\\.1:${proxy.port}"\\}`))).toBe(0);
    expect(await metricValue(metricsUrl, /^statistics_replica_repoint_blocked /)).toBe(0);
    // The log is buffered; it is all written once the process has stopped.
    await follower.stop();
    expect(follower.output()).toContain(`repointing from 127.0.0.1:${proxy.port} to 127.0.0.1:${node2.port}: the replica cannot connect to its source`);
  });

  it('with no node to take over, changes nothing and says so (npm run reporter:follow -- --once, exit 1)', { timeout: 60_000 }, async () => {
    await follower?.stop();
    follower = null;
    // Back on the cut proxy, with only it configured: the source is gone and no other node is listed.
    await pointReplicaAt(replica, { host: '127.0.0.1', port: proxy.port });
    const result = await runEntry('main-follow.ts', ['--once'], { ...process.env, ...stackEnvForFollower, LOG_LEVEL: 'silent', STATISTICS_SOURCE_NODES: `127.0.0.1:${proxy.port}`, STATISTICS_SOURCE_GRACE_MS: '1000' });
    expect(result, result.stderr).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toMatch(/^reporter follow: cannot repoint the statistics replica from 127\.0\.0\.1:\d+ \(the replica cannot connect to its source .*\): no other node is configured; re-seed the replica or bring a node back\n$/);
    expect(await readReplicaSourceStatus(runSqlOnConnection(replica))).toMatchObject({ sourcePort: proxy.port });
  });

  it('refuses a server that is not read_only, in one line', async () => {
    const result = await runEntry('main-follow.ts', ['--once'], { ...process.env, ...stackEnvForFollower, LOG_LEVEL: 'silent', STATISTICS_REPLICA_HOST: node1.host, STATISTICS_REPLICA_PORT: String(node1.port), STATISTICS_SOURCE_NODES: `${node2.host}:${node2.port}` });
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(`reporter follow: ${node1.host}:${node1.port} is not read_only: it is not the statistics replica, refusing to touch its replication\n`);
  });
});
