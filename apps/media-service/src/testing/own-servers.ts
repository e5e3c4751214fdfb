/**
 * Servers a fault test owns: its own s3rver and redis-server on unused loopback ports with their
 * own data directories, so stopping them breaks nothing anyone else uses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { unusedLoopbackPort } from '@chucar/platform/testing';

export interface OwnServer {
  port: number;
  dataDir: string;
  /** Starts (again) on the same port and directory; resolves once it answers. */
  start(): Promise<void>;
  /** SIGKILL by default: an outage, not a polite shutdown. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

function ownServer(name: string, port: number, dataDir: string, launch: () => ChildProcess, ready: (line: string) => boolean): OwnServer {
  let child: ChildProcess | null = null;
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  return {
    port,
    dataDir,
    async start() {
      if (child) throw new Error(`${name} is already running`);
      const started = launch();
      child = started;
      const output: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not start within 15 s:\n${output.join('\n')}`)), 15_000);
        const lines = readline.createInterface({ input: started.stdout! });
        lines.on('line', (line) => {
          output.push(line);
          if (ready(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${name} exited with ${code}:\n${output.join('\n')}`));
        });
      });
      started.stdout!.resume();
    },
    stop,
    async dispose() {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// s3rver's own command line, run by the project's Node rather than whatever `node` the shell has.
const s3rverCli = path.join(path.dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');

export async function ownS3Server(bucket: string): Promise<OwnServer & { endpoint: string }> {
  const port = await unusedLoopbackPort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-s3-'));
  const args = [s3rverCli, '--directory', dataDir, '--address', '127.0.0.1', '--port', String(port), '--silent', '--configure-bucket', bucket];
  const server = ownServer('s3rver', port, dataDir, () => spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }), (line) => line.startsWith('S3rver listening'));
  await server.start();
  return { ...server, endpoint: `http://127.0.0.1:${port}` };
}

/** A redis-server with an append-only file fsynced on every write, as a restart test needs. */
export async function ownRedisServer(): Promise<OwnServer> {
  const port = await unusedLoopbackPort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction', '--daemonize', 'no'];
  const server = ownServer('redis-server', port, dataDir, () => spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] }), (line) => line.includes('Ready to accept connections'));
  await server.start();
  return server;
}
