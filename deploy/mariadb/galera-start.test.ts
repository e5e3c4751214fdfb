/**
 * How deploy/mariadb/galera/galera-start.sh starts a Galera node in docker-compose.yml: which nodes
 * create or restart the cluster, which join and with what position, and which wait for a person.
 * The script runs for real (bash, real TCP listeners as the peers' group ports); only what the
 * image provides is stood in for: docker-entrypoint.sh (prints the arguments it got), gosu, and
 * mariadbd (answers --verbose --help from its arguments, and --wsrep-recover with a set position).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGaleraStart, type GaleraStartRun } from './galera-start-fixture.ts';

const stubs: Record<string, string> = {
  'docker-entrypoint.sh': '#!/bin/bash\necho "ENTRYPOINT $*"\n',
  gosu: '#!/bin/bash\nshift\nexec "$@"\n',
  mariadbd: `#!/bin/bash
for arg; do
  case "$arg" in
    --datadir=*) datadir=\${arg#*=} ;;
    --wsrep-node-name=*) name=\${arg#*=} ;;
    --wsrep-cluster-address=*) address=\${arg#*=} ;;
    --log-error=*) log=\${arg#*=} ;;
    --wsrep-recover) recover=1 ;;
  esac
done
if [ -n "\${recover:-}" ]; then
  echo "[Note] WSREP: Recovered position: $STUB_RECOVERED_POSITION" > "$log"
  exit 0
fi
printf 'datadir %s/\\nwsrep-node-name %s\\nwsrep-cluster-address %s\\n' "$datadir" "$name" "$address"
`,
};

let dir: string;
let listeners: net.Server[];
let children: ChildProcess[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'galera-start-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  for (const [name, text] of Object.entries(stubs)) fs.writeFileSync(path.join(dir, 'bin', name), text, { mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'data'));
  listeners = [];
  children = [];
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(listeners.map((listener) => new Promise((resolve) => listener.close(resolve))));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A peer's group port that answers. */
async function answeringPort(port = 0): Promise<number> {
  const server = net.createServer((socket) => socket.destroy()).listen(port, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  listeners.push(server);
  return (server.address() as net.AddressInfo).port;
}

/** A node with data, as a stopped server leaves it. */
function withData(grastate: { seqno: number; safeToBootstrap: 0 | 1 }): void {
  fs.mkdirSync(path.join(dir, 'data', 'mysql'));
  fs.writeFileSync(
    path.join(dir, 'data', 'grastate.dat'),
    `# GALERA saved state\nversion: 2.1\nuuid:    6c9a3c2e-96a4-11ef-8b2e-2f0a6f6c1a01\nseqno:   ${grastate.seqno}\nsafe_to_bootstrap: ${grastate.safeToBootstrap}\n`,
  );
}

function start(args: string[], env: Record<string, string> = {}): GaleraStartRun {
  const run = startGaleraStart(dir, args, env);
  children.push(run.child);
  return run;
}

/** The server arguments of galera-N in a cluster whose other members are `peers` (host:port). */
function nodeArgs(name: string, members: string[]): string[] {
  return [`--datadir=${path.join(dir, 'data')}`, `--wsrep-node-name=${name}`, `--wsrep-cluster-address=gcomm://${members.join(',')}`];
}

/** The arguments docker-entrypoint.sh got, once the script handed over. */
async function entrypointArgs(run: GaleraStartRun, timeoutMs = 8000): Promise<string[]> {
  const code = await Promise.race([run.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs))]);
  expect(code, run.output()).toBe(0);
  const line = run.output().split('\n').find((text) => text.startsWith('ENTRYPOINT '));
  expect(line, run.output()).toBeDefined();
  return line!.slice('ENTRYPOINT '.length).split(' ');
}

async function stillWaitingAfter(run: GaleraStartRun, ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  expect(run.child.exitCode, run.output()).toBeNull();
  expect(run.output()).not.toContain('ENTRYPOINT');
  expect(run.output()).toMatch(/waiting for a peer/);
}

describe('galera-start.sh', () => {
  it('creates the cluster on the first node at the first start, and records that it exists', async () => {
    const members = ['galera-1', `127.0.0.1:${await unusedLoopbackPort()}`, `127.0.0.1:${await unusedLoopbackPort()}`];
    const args = await entrypointArgs(start(nodeArgs('galera-1', members)));
    expect(args).toContain('--wsrep-new-cluster');
    expect(args).toEqual(expect.arrayContaining(nodeArgs('galera-1', members)));
    expect(fs.existsSync(path.join(dir, 'state', 'cluster-created'))).toBe(true);
  });

  it('never creates a second cluster from a first node that lost its data: it waits to join', async () => {
    fs.mkdirSync(path.join(dir, 'state'));
    fs.writeFileSync(path.join(dir, 'state', 'cluster-created'), '2026-12-06T04:00:00Z\n');
    const run = start(nodeArgs('galera-1', ['galera-1', `127.0.0.1:${await unusedLoopbackPort()}`]));
    await stillWaitingAfter(run, 1500);
    expect(run.output()).toMatch(/galera-1 has no data but the cluster exists/);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('lets a node without data wait until a peer answers, then join it without creating a cluster', async () => {
    const peerPort = await unusedLoopbackPort();
    const run = start(nodeArgs('galera-2', [`127.0.0.1:${peerPort}`, 'galera-2']));
    await stillWaitingAfter(run, 1500);
    await answeringPort(peerPort);
    const args = await entrypointArgs(run);
    expect(args).not.toContain('--wsrep-new-cluster');
    expect(args.some((arg) => arg.startsWith('--wsrep_start_position'))).toBe(false);
    expect(run.output()).toContain(`galera-2 joins the cluster through 127.0.0.1:${peerPort}`);
  });

  it('rejoins after an unclean stop from the position InnoDB recovery finds, so it can ask for IST', async () => {
    withData({ seqno: -1, safeToBootstrap: 0 });
    const position = '6c9a3c2e-96a4-11ef-8b2e-2f0a6f6c1a01:1234,10-10-1234';
    const run = start(nodeArgs('galera-3', [`127.0.0.1:${await answeringPort()}`, 'galera-3']), { STUB_RECOVERED_POSITION: position });
    const args = await entrypointArgs(run);
    expect(args).toContain(`--wsrep_start_position=${position}`);
    expect(args).not.toContain('--wsrep-new-cluster');
  });

  it('rejoins after a clean stop with no recovery (grastate.dat has the position)', async () => {
    withData({ seqno: 812, safeToBootstrap: 0 });
    const args = await entrypointArgs(start(nodeArgs('galera-2', [`127.0.0.1:${await answeringPort()}`, 'galera-2'])));
    expect(args).not.toContain('--wsrep-new-cluster');
    expect(args.some((arg) => arg.startsWith('--wsrep_start_position'))).toBe(false);
  });

  it('restarts the cluster from the node that left it last and cleanly, whichever it is', async () => {
    withData({ seqno: 812, safeToBootstrap: 1 });
    const run = start(nodeArgs('galera-3', [`127.0.0.1:${await unusedLoopbackPort()}`, `127.0.0.1:${await unusedLoopbackPort()}`, 'galera-3']));
    const args = await entrypointArgs(run);
    expect(args).toContain('--wsrep-new-cluster');
    expect(run.output()).toMatch(/galera-3 is safe to bootstrap \(safe_to_bootstrap: 1: it left the cluster last, or a person chose it\): galera-3 starts the cluster/);
  });

  it('joins a running cluster rather than restarting one, even when safe to bootstrap', async () => {
    withData({ seqno: 812, safeToBootstrap: 1 });
    const args = await entrypointArgs(start(nodeArgs('galera-1', ['galera-1', `127.0.0.1:${await answeringPort()}`])));
    expect(args).not.toContain('--wsrep-new-cluster');
  });

  it('after every node stopped uncleanly: waits, reports its recovered position, and starts the cluster once a person chooses it', async () => {
    withData({ seqno: -1, safeToBootstrap: 0 });
    const position = '6c9a3c2e-96a4-11ef-8b2e-2f0a6f6c1a01:977,10-10-977';
    const env = { STUB_RECOVERED_POSITION: position };
    const run = start(nodeArgs('galera-2', [`127.0.0.1:${await unusedLoopbackPort()}`, 'galera-2', `127.0.0.1:${await unusedLoopbackPort()}`]), env);
    await stillWaitingAfter(run, 1500);
    expect(run.output()).toMatch(/galera-2 is not safe to bootstrap \(safe_to_bootstrap: 0, seqno -1\)/);

    const operator = (mode: string) => start([mode], { ...env, CHUCAR_GALERA_SERVER_PID: String(run.child.pid) });
    const report = operator('--position');
    expect(await report.exited, report.output()).toBe(0);
    expect(report.output().trim()).toBe('galera-2: seqno 977 (recovered from InnoDB)');

    const choice = operator('--bootstrap-here');
    expect(await choice.exited, choice.output()).toBe(0);
    const args = await entrypointArgs(run);
    expect(args).toContain('--wsrep-new-cluster');
    expect(args).toContain(`--wsrep_start_position=${position}`);
  });

  it('refuses to mark a node safe to bootstrap while a peer runs the cluster', async () => {
    withData({ seqno: 500, safeToBootstrap: 0 });
    // The node's entrypoint as the operator mode finds it (PID 1 in the container): a waiting galera-start.sh.
    const waiting = path.join(dir, 'entrypoint', 'galera-start.sh');
    fs.mkdirSync(path.dirname(waiting));
    fs.writeFileSync(waiting, 'sleep 30\n');
    const node = spawn('bash', [waiting, ...nodeArgs('galera-1', ['galera-1', `127.0.0.1:${await answeringPort()}`])]);
    children.push(node);
    const choice = start(['--bootstrap-here'], { CHUCAR_GALERA_SERVER_PID: String(node.pid) });
    expect(await choice.exited).toBe(1);
    expect(choice.output()).toMatch(/answers on its group port: the cluster runs there/);
    expect(fs.readFileSync(path.join(dir, 'data', 'grastate.dat'), 'utf8')).toMatch(/^safe_to_bootstrap: 0$/m);
  });

  it('refuses a cluster address that does not name the node', async () => {
    const run = start(nodeArgs('galera-4', ['galera-1', 'galera-2']));
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/galera-4 is not in wsrep_cluster_address/);
  });
});
