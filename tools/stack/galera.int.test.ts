import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mysql from 'mysql2/promise';
import { readLastGtid, readGaleraNodeState, runSqlOnConnection, waitForGtid, waitForGaleraGtid, type GaleraNodeState } from '@chucar/platform';
import { repoRoot } from './config.ts';
import { clusterIsHealthy, galeraNode, readGaleraCluster, restartGaleraNode, runningPid, startGaleraCluster } from './galera.ts';
import { bootstrapAfterQuorumLoss } from './galera-bootstrap.ts';
import { isAlive } from './processes.ts';
import { stackStatus } from './stack.ts';
import { testDatabaseName, testStackConfig } from '../testing/stack-fixture.ts';

const run = promisify(execFile);
const config = testStackConfig();

function connectToPort(port: number): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD, database: testDatabaseName, connectTimeout: 5000 });
}

const connectToNode = (index: number) => connectToPort(galeraNode(config, index).sqlPort);

async function statusOf(index: number): Promise<GaleraNodeState> {
  const connection = await connectToNode(index);
  try {
    return await readGaleraNodeState(runSqlOnConnection(connection, 5000));
  } finally {
    await connection.end();
  }
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

async function killNode(index: number): Promise<void> {
  const pid = runningPid(galeraNode(config, index));
  expect(pid, `galera-${index} runs`).not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  await eventually(`galera-${index} gone`, async () => !isAlive(pid), 10_000);
}

async function writeProbe(index: number, note: string): Promise<string> {
  const connection = await connectToNode(index);
  try {
    await connection.query('INSERT INTO galera_probe (note) VALUES (?)', [note]);
    return (await readLastGtid(runSqlOnConnection(connection)))!;
  } finally {
    await connection.end();
  }
}

async function waitForStatistics(gtid: string): Promise<mysql.Connection> {
  const statistics = await connectToPort(config.DB_STATISTICS_PORT);
  expect(await waitForGtid(runSqlOnConnection(statistics), gtid, 30_000)).toBe('reached');
  return statistics;
}

async function notesOn(connection: mysql.Connection, note: string): Promise<unknown> {
  const [rows] = await connection.query('SELECT note FROM galera_probe WHERE note = ?', [note]);
  return rows;
}

/** Leaves three synced nodes for the next test file, whatever a failed test left behind. */
async function restoreCluster(): Promise<void> {
  if (clusterIsHealthy(await readGaleraCluster(config))) return;
  const anyPrimary = (await readGaleraCluster(config)).some((node) => node.wsrep?.clusterStatus === 'Primary');
  if (anyPrimary || config.DB_GALERA_PORTS.every((_, index) => runningPid(galeraNode(config, index + 1)) === null)) await startGaleraCluster(config);
  else await bootstrapAfterQuorumLoss(config, () => {});
}

describe('local Galera cluster and its statistics replica (real servers)', () => {
  beforeAll(async () => {
    const connection = await connectToPort(config.DB_GALERA_PORTS[0]!);
    try {
      await connection.query('CREATE TABLE IF NOT EXISTS galera_probe (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)');
    } finally {
      await connection.end();
    }
  });

  afterAll(restoreCluster, 300_000);

  it('a row written on node 1 is read on node 3 and on the statistics replica, each once it reached the write', async () => {
    const note = `probe-${process.pid}-${Date.now()}`;
    const gtid = await writeProbe(1, note);
    expect(gtid).toMatch(/^10-10-\d+$/); // the cluster's domain and server id, whichever node wrote it

    const third = await connectToNode(3);
    const statistics = await connectToPort(config.DB_STATISTICS_PORT);
    try {
      expect(await waitForGaleraGtid(runSqlOnConnection(third), gtid, 10_000)).toBe('reached');
      expect(await notesOn(third, note)).toEqual([{ note }]);
      expect(await waitForGtid(runSqlOnConnection(statistics), gtid, 10_000)).toBe('reached');
      expect(await notesOn(statistics, note)).toEqual([{ note }]);
      const [[flags]] = (await statistics.query('SELECT @@read_only AS readOnly')) as unknown as [[{ readOnly: number }]];
      expect(flags.readOnly).toBe(1);
    } finally {
      await third.end();
      await statistics.end();
    }
  });

  it('stack:status counts the cluster healthy: three synced nodes and the statistics replica running from node 1', async () => {
    const status = await stackStatus(config);
    expect(status.galera.map((node) => [node.name, node.port, node.wsrep?.localStateComment, node.wsrep?.clusterSize])).toEqual(
      config.DB_GALERA_PORTS.map((port, index) => [`galera-${index + 1}`, port, 'Synced', 3]),
    );
    expect(status.statisticsReplication).toMatchObject({ running: true, sourcePort: config.DB_GALERA_PORTS[0] });
    expect(status.healthy).toBe(true);
  });

  it('a node killed with kill -9 rejoins by IST after restartGaleraNode, with the writes it missed', async () => {
    await killNode(2);
    await eventually('node 1 sees a cluster of 2', async () => (await statusOf(1)).clusterSize === 2, 20_000);
    const missed = `missed-${Date.now()}`;
    const gtid = await writeProbe(1, missed);

    const restart = await restartGaleraNode(config, 2);
    console.log(`galera-2 rejoined after kill -9 in ${restart.seconds.toFixed(1)} s by ${restart.stateTransfer}`);
    expect(restart).toMatchObject({ outcome: 'restarted', stateTransfer: 'IST' });
    expect(restart.seconds).toBeLessThan(30);

    expect(await statusOf(2)).toMatchObject({ clusterStatus: 'Primary', localStateComment: 'Synced', clusterSize: 3 });
    const second = await connectToNode(2);
    try {
      expect(await waitForGaleraGtid(runSqlOnConnection(second), gtid, 10_000)).toBe('reached');
      expect(await notesOn(second, missed)).toEqual([{ note: missed }]);
    } finally {
      await second.end();
    }
  }, 240_000);

  it('with two nodes killed the survivor refuses work; db:bootstrap makes it Primary, says why, and the others rejoin', async () => {
    const before = `before-quorum-loss-${Date.now()}`;
    await writeProbe(1, before);
    await killNode(2);
    await killNode(3);
    await eventually('node 1 in a non-Primary component', async () => (await statusOf(1)).clusterStatus === 'non-Primary', 30_000);
    await expect(writeProbe(1, 'refused')).rejects.toMatchObject({ errno: 1047 });

    const started = Date.now();
    const { stdout } = await run(process.execPath, ['tools/stack/db-bootstrap-cli.ts'], { cwd: repoRoot, timeout: 280_000, env: { ...process.env, DB_NAME: testDatabaseName } });
    console.log(`db:bootstrap took ${((Date.now() - started) / 1000).toFixed(1)} s:\n${stdout}`);
    expect(stdout).toMatch(/^chose galera-1 \(port \d+\) as the most advanced node: highest seqno \d+ \(wsrep_last_committed\)/m);
    expect(stdout).toMatch(/galera-1: pc\.bootstrap=YES/);
    expect(stdout).toMatch(/galera-2: rejoined/);
    expect(stdout).toMatch(/galera-3: rejoined/);

    expect(clusterIsHealthy(await readGaleraCluster(config))).toBe(true);
    const after = `after-bootstrap-${Date.now()}`;
    const gtid = await writeProbe(1, after);
    const third = await connectToNode(3);
    try {
      expect(await waitForGaleraGtid(runSqlOnConnection(third), gtid, 10_000)).toBe('reached');
      expect(await notesOn(third, before)).toEqual([{ note: before }]);
      expect(await notesOn(third, after)).toEqual([{ note: after }]);
    } finally {
      await third.end();
    }
  }, 300_000);

  it('a node whose data is gone rejoins by a full SST (mariabackup)', async () => {
    const third = galeraNode(config, 3);
    await killNode(3);
    fs.rmSync(third.dataDir, { recursive: true, force: true });
    fs.rmSync(third.initializedMarker, { force: true });
    const restart = await restartGaleraNode(config, 3);
    console.log(`galera-3 with no data rejoined in ${restart.seconds.toFixed(1)} s by ${restart.stateTransfer}`);
    expect(restart).toMatchObject({ outcome: 'restarted', stateTransfer: 'SST' });
    expect(await statusOf(3)).toMatchObject({ clusterStatus: 'Primary', localStateComment: 'Synced', clusterSize: 3 });
  }, 240_000);

  it('with every node killed, stack:up starts the cluster from the most advanced node and the statistics replica follows again', async () => {
    const before = `before-all-killed-${Date.now()}`;
    await writeProbe(1, before);
    for (const index of [1, 2, 3]) await killNode(index);

    const said: string[] = [];
    const started = Date.now();
    await startGaleraCluster(config, (line) => said.push(line));
    console.log(`cluster restarted after all nodes were killed in ${((Date.now() - started) / 1000).toFixed(1)} s:\n${said.join('\n')}`);
    expect(said.join('\n')).toMatch(/^Galera galera-\d :\d+ starts the cluster: highest seqno \d+ \(recovered\)/m);
    expect(clusterIsHealthy(await readGaleraCluster(config))).toBe(true);

    const after = `after-all-killed-${Date.now()}`;
    const gtid = await writeProbe(2, after);
    const statistics = await waitForStatistics(gtid);
    try {
      expect(await notesOn(statistics, before)).toEqual([{ note: before }]);
      expect(await notesOn(statistics, after)).toEqual([{ note: after }]);
    } finally {
      await statistics.end();
    }
  }, 300_000);

  it('db:bootstrap refuses an unknown flag in one line with exit code 2', async () => {
    await expect(run(process.execPath, ['tools/stack/db-bootstrap-cli.ts', '--sideways'], { cwd: repoRoot, timeout: 30_000 })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^db:bootstrap: Unknown option '--sideways'.*usage: npm run db:bootstrap \[-- --dry-run\]\n$/),
    });
  });
});
