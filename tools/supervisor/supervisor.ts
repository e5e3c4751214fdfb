/**
 * Runs long-lived child processes and brings back any that exits without being asked to (a crash,
 * `kill -9`, the OOM killer), with the backoff and crash-loop rules of restart-policy.ts. Stopping
 * is the supervisor's decision alone: each child runs in its own process group, so a Ctrl-C in the
 * terminal reaches the supervisor, which then stops every child (SIGTERM, then SIGKILL after the
 * child's grace period) and returns only once all of them are gone.
 *
 * Each child's pid is written to a file, so a supervisor that was itself killed with SIGKILL leaves
 * nothing the next start cannot find and stop (`stopLeftovers`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Counter, Gauge, type Registry } from 'prom-client';
import { defaultRestartPolicy, RestartPolicy, type RestartPolicySettings } from './restart-policy.ts';

export interface ProcessSpec {
  /** One word, used in log lines, metrics and the pid file's name. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Between SIGTERM and SIGKILL when stopping. */
  stopGraceMs: number;
}

export interface WatchedProcessMetrics {
  restarted(): void;
  setUp(up: boolean): void;
}

export interface SupervisorOptions {
  pidDir: string;
  log: (line: string) => void;
  /** Each line the child prints, with its name. */
  output: (name: string, line: string) => void;
  registry: Registry;
  policy?: RestartPolicySettings;
  /** How often a running child is checked for a healthy minute (clears its crash loop). */
  healthCheckIntervalMs?: number;
}

interface Supervised {
  spec: ProcessSpec;
  policy: RestartPolicy;
  child: ChildProcess | null;
  exited: Promise<void> | null;
  restartTimer: NodeJS.Timeout | null;
  restarts: number;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ?? `code ${code}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #processes = new Map<string, Supervised>();
  readonly #restartsTotal: Counter<'service'>;
  readonly #crashLooping: Gauge<'service'>;
  readonly #up: Gauge<'service'>;
  readonly #healthTimer: NodeJS.Timeout;
  #stopping = false;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    fs.mkdirSync(options.pidDir, { recursive: true });
    const registers = [options.registry];
    this.#restartsTotal = new Counter({ name: 'chucar_supervisor_restarts_total', help: 'Restarts of a supervised process after it exited without being asked to', labelNames: ['service'], registers });
    this.#crashLooping = new Gauge({ name: 'chucar_supervisor_crash_looping', help: '1 while a supervised process restarted 5 times within 2 minutes and has not stayed up for a minute since', labelNames: ['service'], registers });
    this.#up = new Gauge({ name: 'chucar_supervisor_service_up', help: '1 while a supervised process is running, 0 while it waits to be restarted', labelNames: ['service'], registers });
    this.#healthTimer = setInterval(() => this.#checkHealthy(), options.healthCheckIntervalMs ?? 5000);
    this.#healthTimer.unref();
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * The metrics of a process npm start looks after without being its parent (a stack server it
   * restarts when it crashes), under the same names as its own children's.
   */
  watchedProcess(name: string): WatchedProcessMetrics {
    this.#restartsTotal.inc({ service: name }, 0);
    return {
      restarted: () => this.#restartsTotal.inc({ service: name }),
      setUp: (up) => this.#up.set({ service: name }, up ? 1 : 0),
    };
  }

  /** Starts a process and keeps it running until stopAll. */
  add(spec: ProcessSpec): void {
    if (this.#stopping) return;
    if (this.#processes.has(spec.name)) throw new Error(`${spec.name} is supervised already`);
    const supervised: Supervised = { spec, policy: new RestartPolicy(this.#options.policy ?? defaultRestartPolicy), child: null, exited: null, restartTimer: null, restarts: 0 };
    this.#processes.set(spec.name, supervised);
    this.#restartsTotal.inc({ service: spec.name }, 0);
    this.#crashLooping.set({ service: spec.name }, 0);
    this.#launch(supervised);
  }

  #pidFile(name: string): string {
    return path.join(this.#options.pidDir, `${name}.pid`);
  }

  #launch(supervised: Supervised): void {
    const { spec } = supervised;
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    supervised.child = child;
    supervised.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => this.#options.output(spec.name, line));
    }
    child.once('error', (error) => this.#options.log(`${spec.name} could not be started: ${error.message}`));
    if (child.pid !== undefined) fs.writeFileSync(this.#pidFile(spec.name), `${child.pid} ${spec.command}\n`);
    supervised.policy.started(Date.now());
    this.#up.set({ service: spec.name }, 1);
    child.once('exit', (code, signal) => this.#onExit(supervised, child, code, signal));
  }

  #onExit(supervised: Supervised, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (supervised.child !== child) return;
    supervised.child = null;
    fs.rmSync(this.#pidFile(supervised.spec.name), { force: true });
    this.#up.set({ service: supervised.spec.name }, 0);
    if (this.#stopping) return;
    const decision = supervised.policy.exited(Date.now());
    supervised.restarts += 1;
    this.#restartsTotal.inc({ service: supervised.spec.name });
    this.#options.log(`${supervised.spec.name} exited (${describeExit(code, signal)}); restarting in ${formatSeconds(decision.delayMs)} (restart ${supervised.restarts})`);
    if (decision.crashLoopStarted) {
      this.#crashLooping.set({ service: supervised.spec.name }, 1);
      this.#options.log(`${supervised.spec.name} is crash-looping (${decision.restartsInARow} restarts in a row, 5 within 2 min); it is still restarted, at most every 30 s; the other services keep running`);
    }
    supervised.restartTimer = setTimeout(() => {
      supervised.restartTimer = null;
      if (!this.#stopping) this.#launch(supervised);
    }, decision.delayMs);
  }

  #checkHealthy(): void {
    for (const supervised of this.#processes.values()) {
      if (supervised.child === null) continue;
      const wasLooping = supervised.policy.crashLooping;
      if (supervised.policy.checkHealthy(Date.now()) && wasLooping) {
        this.#crashLooping.set({ service: supervised.spec.name }, 0);
        this.#options.log(`${supervised.spec.name} has stayed up for a minute: no longer crash-looping`);
      }
    }
  }

  /** Stops every child (SIGTERM, SIGKILL after its grace) and resolves once all have exited. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#healthTimer);
    await Promise.all(
      [...this.#processes.values()].map(async (supervised) => {
        if (supervised.restartTimer) clearTimeout(supervised.restartTimer);
        const child = supervised.child;
        if (child === null || child.pid === undefined) return;
        signalGroup(child.pid, 'SIGTERM');
        const kill = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), supervised.spec.stopGraceMs);
        await supervised.exited;
        clearTimeout(kill);
        // The group may still hold a process the child started itself.
        signalGroup(child.pid, 'SIGKILL');
      }),
    );
  }

  /** Last resort on the way out (an exception, process.exit): no child may outlive the supervisor. */
  killAllNow(): void {
    this.#stopping = true;
    for (const supervised of this.#processes.values()) {
      if (supervised.child?.pid !== undefined) signalGroup(supervised.child.pid, 'SIGKILL');
    }
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function commandLineOf(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return null;
  }
}

/**
 * Stops what an earlier supervisor, killed before it could stop its children, left running. A pid
 * counts only while its command line still starts with the recorded command (pids are reused).
 */
export async function stopLeftovers(pidDir: string, log: (line: string) => void): Promise<void> {
  if (!fs.existsSync(pidDir)) return;
  const leftovers: number[] = [];
  for (const file of fs.readdirSync(pidDir).filter((name) => name.endsWith('.pid'))) {
    const [pidText, command] = fs.readFileSync(path.join(pidDir, file), 'utf8').trim().split(' ', 2);
    const pid = Number(pidText);
    const commandLine = Number.isInteger(pid) && pid > 0 ? commandLineOf(pid) : null;
    if (commandLine !== null && command !== undefined && commandLine.startsWith(command)) {
      log(`stopping ${file.replace(/\.pid$/, '')} (pid ${pid}), left running by an earlier npm start`);
      signalGroup(pid, 'SIGTERM');
      leftovers.push(pid);
    }
    fs.rmSync(path.join(pidDir, file), { force: true });
  }
  const deadline = Date.now() + 15_000;
  while (leftovers.some((pid) => commandLineOf(pid) !== null) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of leftovers) signalGroup(pid, 'SIGKILL');
}
