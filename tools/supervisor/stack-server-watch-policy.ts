/**
 * When npm start restarts one of the stack's database servers by itself: the Galera nodes and the
 * statistics replica run outside npm start (they outlive it), so it looks at their processes every
 * few seconds instead of waiting for an exit. Pure: the watcher passes in what it saw and the
 * clock, so the rules are tested without servers.
 *
 * A server is restarted only when it crashed: its pid file is still there but its process is gone
 * (mariadbd deletes its pid file on a clean shutdown, so `npm run stack:down` or a person's stop
 * is left alone). A Galera node is restarted only while the running nodes are a majority: with
 * quorum lost, which node's data wins is a person's decision (`npm run db:bootstrap`).
 */

export type ServerProcessState = 'running' | 'crashed' | 'stopped';

export interface ServerObservation {
  name: string;
  state: ServerProcessState;
}

export interface StackServersSeen {
  /** The Galera nodes, in cluster order. */
  galera: readonly ServerObservation[];
  statistics: ServerObservation;
}

export type WatchAction =
  /** Restart this Galera node with its recovered position (IST). */
  | { kind: 'restart-galera-node'; name: string }
  /** Start the statistics replica again; its replication resumes from its saved GTID position. */
  | { kind: 'restart-statistics-replica'; name: string }
  /** Reported once until every node runs again. */
  | { kind: 'quorum-lost'; running: string[]; crashed: string[] }
  /** A node stopped cleanly while the others run: reported once, not restarted. */
  | { kind: 'left-stopped'; name: string };

export interface StackServerWatchSettings {
  /** After a restart that failed, the next attempt waits this long (the failure is logged each time). */
  retryAfterFailureMs: number;
}

export const defaultStackServerWatchSettings: StackServerWatchSettings = { retryAfterFailureMs: 30_000 };

export class StackServerWatchPolicy {
  readonly #settings: StackServerWatchSettings;
  readonly #retryNotBefore = new Map<string, number>();
  readonly #reported = new Set<string>();

  constructor(settings: StackServerWatchSettings = defaultStackServerWatchSettings) {
    this.#settings = settings;
  }

  /** What to do after looking at the servers. At most one Galera node is restarted at a time: a donor serves one joiner at a time. */
  decide(seen: StackServersSeen, nowMs: number): WatchAction[] {
    const actions: WatchAction[] = [];
    const due = (name: string) => nowMs >= (this.#retryNotBefore.get(name) ?? 0);
    const once = (key: string, action: WatchAction) => {
      if (this.#reported.has(key)) return;
      this.#reported.add(key);
      actions.push(action);
    };

    const running = seen.galera.filter((node) => node.state === 'running');
    const crashed = seen.galera.filter((node) => node.state === 'crashed');
    if (running.length === seen.galera.length) {
      // Healthy again: a later loss is a new event, reported again.
      this.#reported.clear();
    }
    const hasQuorum = running.length * 2 > seen.galera.length;
    if (!hasQuorum && crashed.length > 0) {
      once('quorum-lost', { kind: 'quorum-lost', running: running.map((node) => node.name), crashed: crashed.map((node) => node.name) });
    }
    if (hasQuorum) {
      const next = crashed.find((node) => due(node.name));
      if (next) actions.push({ kind: 'restart-galera-node', name: next.name });
      for (const node of seen.galera.filter((other) => other.state === 'stopped')) once(`left-stopped:${node.name}`, { kind: 'left-stopped', name: node.name });
    }

    if (seen.statistics.state === 'crashed' && due(seen.statistics.name)) actions.push({ kind: 'restart-statistics-replica', name: seen.statistics.name });
    return actions;
  }

  restartFailed(name: string, nowMs: number): void {
    this.#retryNotBefore.set(name, nowMs + this.#settings.retryAfterFailureMs);
  }

  restartSucceeded(name: string): void {
    this.#retryNotBefore.delete(name);
  }
}
