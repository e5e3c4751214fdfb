/**
 * A service started the way a deployment starts it, as a child process, for tests and tools that
 * may not import it (the gateway's tests start the media service and the reporter; the browser
 * tests start all of them). Settled once its /health/ready answers 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { readEnv } from '../config/env.ts';
import { redisEnv } from '../config/specs.ts';

const OUTPUT_KEPT_CHARS = 20_000;

export interface ServiceProcessOptions {
  /** Names the service in errors. */
  name: string;
  /** Absolute path of the entry file. */
  entry: string;
  /** Node's own flags, before the entry. */
  nodeOptions?: string[];
  cwd: string;
  /** On top of this process's environment, NODE_ENV=test and LOG_LEVEL=warn. */
  env: Record<string, string>;
  readyUrl: string;
  timeoutMs?: number;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** The last of what it printed, for a failure message. */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** SIGTERM, and the exit awaited (SIGKILL after `killAfterMs`), so no process is still draining when it returns. */
export async function stopChildProcess(child: ChildProcess, killAfterMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(kill);
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeOptions ?? []), options.entry], {
    cwd: options.cwd,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = () => stopChildProcess(child, 10_000);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}:\n${output}`);
    if (await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) }).then((answer) => answer.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output, stop };
}

/** Removes the keys under one prefix (a test's own queue) from the shared Redis: nothing else. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  const settings = readEnv(redisEnv, process.env);
  const redis = new Redis({ host: settings.REDIS_HOST, port: settings.REDIS_PORT, ...(settings.REDIS_PASSWORD ? { password: settings.REDIS_PASSWORD } : {}), lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (let cursor = '0'; ;) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
}
