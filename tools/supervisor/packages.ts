/**
 * Installs the Debian packages npm start runs (HAProxy, Prometheus, Alertmanager, the exporters)
 * when their commands are missing, in one apt-get run, without blocking the event loop: a Ctrl-C
 * during the install is heard at once. The install itself is let finish (killing dpkg midway can
 * leave the package database half-configured); npm start stops right after it.
 */
import { spawn } from 'node:child_process';
import { commandExists } from '../stack/processes.ts';

export interface NeededCommand {
  command: string;
  debianPackage: string;
}

export function missingPackages(needed: readonly NeededCommand[]): string[] {
  return [...new Set(needed.filter((item) => !commandExists(item.command)).map((item) => item.debianPackage))];
}

export async function installPackages(packages: string[], log: (line: string) => void): Promise<void> {
  if (packages.length === 0) return;
  const install = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) throw new Error(`missing ${packages.join(', ')}; install with:\n  sudo sh -c '${install}'`);
  log(`installing ${packages.join(', ')} with apt-get (first start only)…`);
  // Its own process group: a Ctrl-C in the terminal reaches npm start, not apt-get in the middle of dpkg.
  const child = spawn('sh', ['-c', install], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, detached: true });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  if (status !== 0) throw new Error(`installing ${packages.join(', ')} failed (apt-get exit ${status}); run: ${install}`);
}
