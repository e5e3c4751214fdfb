/** A repository entry started in a process of its own by a bench, and the wait for its HTTP side. */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../tools/stack/config.ts';
import { httpAnswers, waitUntil } from '../tools/stack/processes.ts';

export const gatewayEntry = 'apps/api-gateway/src/main.ts';

/** A TypeScript entry of the repository under this process's Node, its stderr shown, its stdout dropped. */
export function startProcess(entry: string, args: string[], env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, entry, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  return waitUntil(url, () => httpAnswers(url, (status) => status < 500), timeoutMs);
}
