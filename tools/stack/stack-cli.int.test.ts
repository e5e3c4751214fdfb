import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './config.ts';
import { testDatabaseName } from '../testing/stack-fixture.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['tools/stack/cli.ts', ...args], { cwd: repoRoot, timeout: 120_000, env: { ...process.env, DB_NAME: testDatabaseName } });

describe('stack CLI', () => {
  it('stack:up is idempotent when everything already runs', async () => {
    const { stdout } = await cli('up');
    expect(stdout).toMatch(/MariaDB primary :\d+ already running/);
    expect(stdout).toMatch(/MariaDB replica :\d+ already running/);
    expect(stdout).toMatch(/Galera nodes :\d+, :\d+, :\d+ already running/);
    expect(stdout).toMatch(/MariaDB statistics replica :\d+ already running/);
    expect(stdout).toMatch(/Redis :\d+ already running/);
    expect(stdout).toMatch(/S3 \(s3rver\) :\d+ already running/);
    expect(stdout).toMatch(/S3 mirror \(s3rver\) :\d+ already running/);
  });

  it('stack:status --json reports every server answering and replication running with its lag', async () => {
    const { stdout } = await cli('status', '--json');
    const status = JSON.parse(stdout);
    expect(status.servers.map((server: { name: string }) => server.name)).toEqual([
      'mariadb-primary',
      'mariadb-replica',
      'mariadb-galera-1',
      'mariadb-galera-2',
      'mariadb-galera-3',
      'mariadb-statistics',
      'redis',
      's3',
      's3-mirror',
    ]);
    for (const server of status.servers) expect(server).toMatchObject({ host: '127.0.0.1', answering: true });
    expect(status.replication).toMatchObject({ running: true, ioRunning: true, sqlRunning: true });
    expect(status.replication.heartbeatLagSeconds).toBeGreaterThanOrEqual(0);
    for (const node of status.galera) expect(node.wsrep).toMatchObject({ localStateComment: 'Synced', clusterStatus: 'Primary', clusterSize: 3, ready: true });
    expect(status.statisticsReplication).toMatchObject({ running: true, sourcePort: status.galera[0].port });
    expect(status.healthy).toBe(true);
  });

  it('an unknown command is a one-line error with exit code 2', async () => {
    await expect(cli('sideways')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/^unknown stack command "sideways"/) });
  });
});
