import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { StackConfig } from './config.ts';
import { ensureCommand, ownServerAnswers, portAnswers, readPid, spawnDetached, stopProcess, waitUntil } from './processes.ts';

export function redisPaths(config: StackConfig) {
  const home = path.join(config.stateDir, 'redis');
  return { home, pidFile: path.join(home, 'redis.pid'), logFile: path.join(home, 'redis.log') };
}

/** Sends PING with the inline protocol; true when the server answers PONG. */
export function redisPings(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let answer = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.once('error', () => done(false));
  });
}

export async function startRedis(config: StackConfig): Promise<'started' | 'already running'> {
  const paths = redisPaths(config);
  if (await ownServerAnswers(paths.pidFile, 'redis-server', config.REDIS_PORT, () => redisPings(config.REDIS_PORT))) return 'already running';
  if (await portAnswers(config.REDIS_PORT)) throw new Error(`port ${config.REDIS_PORT} is taken by another process; set REDIS_PORT to a free port`);
  ensureCommand('redis-server', 'redis-server');
  fs.mkdirSync(paths.home, { recursive: true });
  const args = [
    '--port', String(config.REDIS_PORT),
    '--bind', '127.0.0.1',
    '--dir', paths.home,
    '--pidfile', paths.pidFile,
    '--logfile', paths.logFile,
    '--daemonize', 'no',
    // BullMQ keeps jobs in Redis: they must survive a restart and never be evicted.
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction',
    '--save', '',
  ];
  spawnDetached('redis-server', args, path.join(paths.home, 'stdout.log'), paths.pidFile);
  await waitUntil(`Redis on port ${config.REDIS_PORT}`, () => redisPings(config.REDIS_PORT), 30_000, paths.logFile);
  return 'started';
}

export async function stopRedis(config: StackConfig): Promise<void> {
  await stopProcess(readPid(redisPaths(config).pidFile));
}
