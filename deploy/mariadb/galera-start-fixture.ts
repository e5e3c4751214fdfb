/**
 * Runs deploy/mariadb/galera/galera-start.sh as a Galera container of docker-compose.yml does, for
 * the unit test (stand-ins that print what they get) and the integration test (this machine's real
 * mariadbd). Each test writes its own stand-ins for what the image provides into `<dir>/bin`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../compose-file.ts';

export const galeraStartScript = path.join(repoRoot, 'deploy', 'mariadb', 'galera', 'galera-start.sh');

export interface GaleraStartRun {
  child: ChildProcess;
  /** Its stdout and stderr so far, in the order they came. */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Starts galera-start.sh with `args`, `<dir>/bin` first on PATH (the stand-ins for the image's
 * docker-entrypoint.sh, gosu and, in the unit test, mariadbd) and the state the nodes share
 * (the mark that the cluster was created) in `<dir>/state`.
 */
export function startGaleraStart(dir: string, args: string[], env: Record<string, string> = {}): GaleraStartRun {
  const child = spawn('bash', [galeraStartScript, ...args], {
    env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env['PATH']}`, CHUCAR_GALERA_STATE_DIR: path.join(dir, 'state'), ...env },
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}
