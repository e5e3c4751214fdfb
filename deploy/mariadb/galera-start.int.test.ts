/**
 * galera-start.sh with this machine's real mariadbd and Galera, on docker-compose's own option files
 * (deploy/mariadb/chucar.cnf and galera/galera.cnf, included as they are; only paths and ports are
 * set for a node of its own on loopback). One node, one cluster of its own: the first start creates
 * it, a kill -9 leaves it to be rejoined from the position InnoDB recovery finds, a crash of every
 * node leaves it waiting until a person chooses it, and a clean stop lets it restart by itself.
 * The image's entrypoint is stood in for by a script that initialises an empty data directory and
 * runs mariadbd with the arguments it got (or only prints them, where no peer exists to join).
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../compose-file.ts';
import { startGaleraStart, type GaleraStartRun } from './galera-start-fixture.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'galera-start-int-'));
const dataDir = path.join(dir, 'data');
const socket = path.join(dir, 'mysqld.sock');
const pidFile = path.join(dir, 'mysqld.pid');
const children: ChildProcess[] = [];

let serverArgs: string[];
let peerPort: number;

beforeAll(async () => {
  const [sqlPort, groupPort, istPort] = [await unusedLoopbackPort(), await unusedLoopbackPort(), await unusedLoopbackPort()];
  peerPort = await unusedLoopbackPort();
  fs.writeFileSync(
    path.join(dir, 'my.cnf'),
    [
      `!include ${path.join(repoRoot, 'deploy/mariadb/chucar.cnf')}`,
      `!include ${path.join(repoRoot, 'deploy/mariadb/galera/galera.cnf')}`,
      '[mariadbd]',
      'user=root',
      `datadir=${dataDir}`,
      `socket=${socket}`,
      `pid-file=${pidFile}`,
      `port=${sqlPort}`,
      'bind-address=127.0.0.1',
      `log-error=${path.join(dir, 'mysqld.log')}`,
      'innodb-buffer-pool-size=32M',
      // The compose address names the services; here the node and a peer that is never there.
      `wsrep_cluster_address=gcomm://galera-1,127.0.0.1:${peerPort}`,
      `wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${groupPort};ist.recv_addr=127.0.0.1:${istPort};${/wsrep_provider_options = "([^"]*)"/.exec(fs.readFileSync(path.join(repoRoot, 'deploy/mariadb/galera/galera.cnf'), 'utf8'))![1]}"`,
      '',
    ].join('\n'),
  );
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'gosu'), '#!/bin/bash\nshift\nexec "$@"\n', { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'bin', 'docker-entrypoint.sh'),
    `#!/bin/bash
echo "ENTRYPOINT $*"
[ -n "\${PRINT_ONLY:-}" ] && exit 0
if [ ! -d ${dataDir}/mysql ]; then
  mariadb-install-db --no-defaults --user=root --datadir=${dataDir} --auth-root-authentication-method=normal --skip-test-db >/dev/null || exit 1
fi
exec mariadbd "$@"
`,
    { mode: 0o755 },
  );
  // As compose gives them: the node's name, binary log and GTID domain on the command line.
  serverArgs = [`--defaults-file=${path.join(dir, 'my.cnf')}`, '--wsrep-node-name=galera-1', '--log-basename=galera-1', '--log-bin', '--gtid-domain-id=11'];
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  const pid = serverPid();
  if (pid !== null) process.kill(pid, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function serverPid(): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

function start(args: string[], env: Record<string, string> = {}): GaleraStartRun {
  const run = startGaleraStart(dir, args, env);
  children.push(run.child);
  return run;
}

async function eventually<T>(what: string, check: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => null);
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

async function query<T>(sql: string): Promise<T[]> {
  const connection = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 2000 });
  try {
    return (await connection.query(sql))[0] as T[];
  } finally {
    await connection.end();
  }
}

/** Waits until the node answers and is a synced node of a Primary component. */
async function waitForPrimary(): Promise<void> {
  await eventually(
    'a Primary, synced node',
    async () => {
      const rows = await query<{ Variable_name: string; Value: string }>("SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_status', 'wsrep_local_state')");
      const status = Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]));
      return status['wsrep_cluster_status'] === 'Primary' && status['wsrep_local_state'] === '4' ? true : null;
    },
    60_000,
  );
}

function grastate(): string {
  return fs.readFileSync(path.join(dataDir, 'grastate.dat'), 'utf8');
}

async function killServer(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const pid = serverPid();
  expect(pid).not.toBeNull();
  process.kill(pid!, signal);
  await eventually('the server gone', async () => (serverPid() === null ? true : null), 60_000);
}

describe('galera-start.sh on a real mariadbd, with the compose option files', () => {
  it('creates the cluster at the first start, recovers the position after a kill -9, waits after a crash of every node until a person chooses the node, and restarts by itself after a clean stop', { timeout: 240_000 }, async () => {
    let started = Date.now();
    start(serverArgs);
    await waitForPrimary();
    console.log(`first start (install, create the cluster): ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(fs.existsSync(path.join(dir, 'state', 'cluster-created'))).toBe(true);
    await query('CREATE DATABASE smoke');
    await query('CREATE TABLE smoke.t (id INT PRIMARY KEY)');
    await query('INSERT INTO smoke.t VALUES (1), (2), (3)');
    const { committed } = (await query<{ committed: string }>("SELECT VARIABLE_VALUE AS committed FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_LAST_COMMITTED'"))[0]!;
    const { gtid } = (await query<{ gtid: string }>('SELECT @@gtid_binlog_pos AS gtid'))[0]!;
    // The cluster's domain and server id from galera.cnf, not the node's own domain.
    expect(gtid).toMatch(/^10-10-\d+$/);

    await killServer('SIGKILL');
    expect(grastate()).toMatch(/^seqno:\s+-1$/m);

    // A peer answers: join it from the recovered position (printed only: nothing to join here).
    const peer = net.createServer((connection) => connection.destroy()).listen(peerPort, '127.0.0.1');
    await new Promise((resolve) => peer.once('listening', resolve));
    const rejoin = start(serverArgs, { PRINT_ONLY: '1' });
    expect(await rejoin.exited, rejoin.output()).toBe(0);
    await new Promise((resolve) => peer.close(resolve));
    const uuid = /^uuid:\s+(\S+)$/m.exec(grastate())![1];
    const recovered = /recovered position (\S+)/.exec(rejoin.output())?.[1];
    expect(recovered, rejoin.output()).toMatch(new RegExp(`^${uuid}:${committed},`));
    // The GTID beside the seqno is what InnoDB recovery finds: the binlog's position, or 0-0-0 when the
    // kill -9 came before it was written with the last writeset (several runs on the 2-core machine). The script's part
    // is to pass on exactly what recovery printed.
    expect([gtid, '0-0-0']).toContain(recovered!.split(',')[1]);
    expect(rejoin.output()).toContain(`--wsrep_start_position=${recovered}`);
    expect(rejoin.output()).not.toContain('--wsrep-new-cluster');

    // Every node crashed at once: none is safe to bootstrap, so the node waits for a person.
    fs.writeFileSync(path.join(dataDir, 'grastate.dat'), grastate().replace(/^safe_to_bootstrap:.*$/m, 'safe_to_bootstrap: 0'));
    const waiting = start(serverArgs);
    await eventually('the waiting message', async () => (/waiting for a peer/.test(waiting.output()) ? true : null), 20_000);
    const operator = (mode: string) => start([mode], { CHUCAR_GALERA_SERVER_PID: String(waiting.child.pid) });
    const position = operator('--position');
    expect(await position.exited, position.output()).toBe(0);
    expect(position.output().trim()).toBe(`galera-1: seqno ${committed} (recovered from InnoDB)`);
    started = Date.now();
    const choice = operator('--bootstrap-here');
    expect(await choice.exited, choice.output()).toBe(0);
    await waitForPrimary();
    console.log(`--bootstrap-here to a Primary node: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The same data recovered again: the same position.
    expect(waiting.output()).toContain(`--wsrep_start_position=${recovered}`);
    expect(await query('SELECT id FROM smoke.t ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);

    // A clean stop leaves it safe to bootstrap; started again, it restarts the cluster by itself.
    await killServer('SIGTERM');
    expect(grastate()).toMatch(/^safe_to_bootstrap: 1$/m);
    expect(grastate()).not.toMatch(/^seqno:\s+-1$/m);
    started = Date.now();
    const restart = start(serverArgs);
    await waitForPrimary();
    console.log(`restart after a clean stop: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(restart.output()).toContain('--wsrep-new-cluster');
    expect(restart.output()).not.toContain('--wsrep_start_position');
    expect(await query('SELECT COUNT(*) AS n FROM smoke.t')).toEqual([{ n: 3 }]);
  });
});
