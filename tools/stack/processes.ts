import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export function readPid(pidFile: string): number | null {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a server that outlives this process; its output goes to `logFile`. */
export function spawnDetached(command: string, args: string[], logFile: string, pidFile?: string): number {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  if (pidFile) fs.writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

export function portAnswers(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when `url` answers with a status `accept` takes (any status by default) within a second. */
export async function httpAnswers(url: string, accept: (status: number) => boolean = () => true): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then((response) => accept(response.status), () => false);
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tail = logFile && fs.existsSync(logFile) ? `\n--- last lines of ${logFile} ---\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')}` : '';
  throw new Error(`${what} did not answer within ${timeoutMs / 1000} s${tail}`);
}

/** Sends SIGTERM, waits for the process to go, then SIGKILL as a last resort. */
export async function stopProcess(pid: number | null, timeoutMs = 30_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid!, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid!, 'SIGKILL');
}

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Finds a server binary; as root installs its Debian package, otherwise says how. */
export function ensureCommand(command: string, debianPackage: string): void {
  ensureInstalled(command, () => commandExists(command), debianPackage);
}

/** Checks that `what` (a command, a library) is there; as root installs its Debian package, otherwise says how. */
export function ensureInstalled(what: string, isInstalled: () => boolean, debianPackage: string): void {
  if (isInstalled()) return;
  const install = `apt-get update && apt-get install -y --no-install-recommends ${debianPackage}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} is not installed. Install it with:\n  sudo sh -c '${install}'`);
  }
  console.log(`${what} is missing; installing ${debianPackage} with apt-get…`);
  const result = spawnSync('sh', ['-c', install], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0 || !isInstalled()) throw new Error(`installing ${debianPackage} failed; run: ${install}`);
}

/**
 * True when this stack folder's server (its pid file's process) runs and answers on the port asked
 * for. A live server of this folder that does not answer there was started with other ports:
 * starting a second one on the same data would corrupt it, so that is refused with what to do.
 */
export async function ownServerAnswers(pidFile: string, commandHint: string, port: number, answers: () => Promise<boolean>): Promise<boolean> {
  const pid = readPid(pidFile);
  if (!isAlive(pid)) return false;
  let commandLine = '';
  try {
    commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  if (!commandLine.includes(commandHint)) return false; // the pid was reused by something else
  const deadline = Date.now() + 10_000; // it may still be starting
  while (Date.now() < deadline) {
    if (await answers()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${pidFile} names a running server (pid ${pid}) that does not answer on port ${port}: this stack folder runs with other ports. Stop it with the settings it was started with (npm run stack:down), or give these ports a folder of their own (STACK_DIR)`);
}
