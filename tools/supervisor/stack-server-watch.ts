/**
 * npm start's watch over the stack's Galera nodes and statistics replica. They are not its children
 * (they outlive it by design), so it looks at their pid files every couple of seconds and acts on
 * what stack-server-watch-policy.ts decides: a crashed node is restarted with its recovered position
 * so it rejoins by IST, a crashed statistics replica is started again, and a lost quorum is reported
 * once and left to a person.
 */
import fs from 'node:fs';
import type { StackConfig } from '../stack/config.ts';
import { galeraNodes, restartGaleraNode, runningPid } from '../stack/galera.ts';
import { serverPaths, startMariadb } from '../stack/mariadb.ts';
import { isAlive, readPid } from '../stack/processes.ts';
import { defaultStackServerWatchSettings, StackServerWatchPolicy, type ServerProcessState, type StackServersSeen, type WatchAction } from './stack-server-watch-policy.ts';
import type { WatchedProcessMetrics } from './supervisor.ts';

export const stackServerWatchIntervalMs = 2000;

const galeraName = (index: number) => `mariadb-galera-${index}`;
const statisticsName = 'mariadb-statistics';

export interface StackServerWatchOptions {
  config: StackConfig;
  log: (line: string) => void;
  metricsOf: (name: string) => WatchedProcessMetrics;
  intervalMs?: number;
}

/** A pid file left behind by a process that is gone means a crash: mariadbd deletes its own on a clean shutdown. */
function stateFrom(pidFile: string, runs: boolean): ServerProcessState {
  if (runs) return 'running';
  return fs.existsSync(pidFile) ? 'crashed' : 'stopped';
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export class StackServerWatch {
  readonly #options: StackServerWatchOptions;
  readonly #policy = new StackServerWatchPolicy();
  readonly #metrics = new Map<string, WatchedProcessMetrics>();
  readonly #galeraIndexByName = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  /** The restart under way, if any: ticks wait for it. */
  #acting: Promise<void> | null = null;
  #stopped = false;

  constructor(options: StackServerWatchOptions) {
    this.#options = options;
    this.#timer = setInterval(() => this.#tick(), options.intervalMs ?? stackServerWatchIntervalMs);
    this.#timer.unref();
    this.#look();
  }

  #metricsOf(name: string): WatchedProcessMetrics {
    let metrics = this.#metrics.get(name);
    if (!metrics) {
      metrics = this.#options.metricsOf(name);
      this.#metrics.set(name, metrics);
    }
    return metrics;
  }

  #look(): StackServersSeen {
    const { config } = this.#options;
    const galera = galeraNodes(config).map((node) => {
      this.#galeraIndexByName.set(galeraName(node.index), node.index);
      return { name: galeraName(node.index), state: stateFrom(node.pidFile, runningPid(node) !== null) };
    });
    const statisticsPidFile = serverPaths(config, 'statistics').pidFile;
    const statistics = { name: statisticsName, state: stateFrom(statisticsPidFile, isAlive(readPid(statisticsPidFile))) };
    for (const server of [...galera, statistics]) this.#metricsOf(server.name).setUp(server.state === 'running');
    return { galera, statistics };
  }

  #tick(): void {
    if (this.#stopped || this.#acting) return;
    const actions = this.#policy.decide(this.#look(), Date.now());
    if (actions.length === 0) return;
    this.#acting = (async () => {
      for (const action of actions) {
        if (this.#stopped) return;
        await this.#act(action);
      }
    })().finally(() => (this.#acting = null));
  }

  async #act(action: WatchAction): Promise<void> {
    const { config, log } = this.#options;
    switch (action.kind) {
      case 'quorum-lost':
        log(
          `Galera quorum lost: ${action.crashed.join(', ')} exited${action.running.length > 0 ? ` and only ${action.running.join(', ')} runs` : ''}; ` +
            'not restarting them: choosing whose data wins is a decision for a person (npm run db:bootstrap -- --dry-run says which node is most advanced, npm run db:bootstrap makes it Primary and restarts the others)',
        );
        return;
      case 'left-stopped':
        log(`${action.name} was stopped cleanly (not a crash); left stopped (npm run stack:up starts it)`);
        return;
      case 'restart-galera-node': {
        const index = this.#galeraIndexByName.get(action.name)!;
        log(`${action.name} exited; restarting with its recovered position (IST)`);
        await this.#restart(action.name, async () => {
          const report = await restartGaleraNode(config, index);
          const transfer = report.stateTransfer === 'none' ? 'no state transfer' : report.stateTransfer;
          log(`${action.name} back, synced in ${report.seconds.toFixed(1)} s (${transfer})`);
        });
        return;
      }
      case 'restart-statistics-replica': {
        log(`${action.name} exited; restarting it (its replication resumes from its saved GTID position)`);
        const started = Date.now();
        await this.#restart(action.name, async () => {
          await startMariadb(config, 'statistics');
          log(`${action.name} back in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });
        return;
      }
    }
  }

  async #restart(name: string, restart: () => Promise<void>): Promise<void> {
    this.#metricsOf(name).restarted();
    try {
      await restart();
      this.#policy.restartSucceeded(name);
      this.#metricsOf(name).setUp(true);
    } catch (error) {
      this.#policy.restartFailed(name, Date.now());
      this.#options.log(`${name} could not be restarted: ${errorText(error)}; trying again in ${defaultStackServerWatchSettings.retryAfterFailureMs / 1000} s`);
    }
  }

  /**
   * Stops watching. A restart under way is not waited for: the server it launched runs detached and
   * finishes joining by itself, as it would after `npm run stack:up`.
   */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
