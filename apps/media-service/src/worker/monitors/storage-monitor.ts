/**
 * Knowing fast that a store is down, even while no job touches it. The worker's storage
 * availability learns from its jobs' own calls, so an idle worker, or a mirror written only now and
 * then, would notice an outage late. This probes every named store on a timer and declares one
 * down after `failuresBeforeDown` failed probes in a row (one slow answer is not an outage), up
 * again at the first answer. Detection takes at most failuresBeforeDown × interval + timeout.
 */
import type { Registry } from 'prom-client';
import { createPeriodicTask, type Logger } from '@chucar/platform';

export type StoreState = 'up' | 'down';

/** A store to watch: its name in metrics and logs, and a cheap probe (HeadBucket) that rejects when it cannot serve. */
export interface ProbedStore {
  name: string;
  probe(signal: AbortSignal): Promise<void>;
}

export interface StoreStatus {
  name: string;
  state: StoreState;
  /** The last probe's error while down (or failing), else null. */
  lastError: string | null;
  /** When the current state began (the first failure of the run that declared it down). */
  since: Date;
  /** When the last probe ended. */
  checkedAt: Date | null;
}

export interface StorageMonitor {
  /** Starts probing: a first round at once (not awaited), then one every interval. */
  start(): Promise<void>;
  /** Probes every store once now, or joins the round in flight; resolves when all answered or timed out. */
  checkNow(): Promise<void>;
  status(): StoreStatus[];
  state(name: string): StoreState;
  /** Stops probing, after a round in flight. */
  close(): Promise<void>;
}

export interface StorageMonitorOptions {
  stores: readonly ProbedStore[];
  log: Logger;
  intervalMs: number;
  timeoutMs: number;
  failuresBeforeDown?: number;
  now?: () => Date;
  onStateChange?(store: string, state: StoreState, detail: string): void;
  /** Where the probe rounds' periodic_task_runs_total goes, if anywhere. */
  registry?: Registry;
}

export function createStorageMonitor(options: StorageMonitorOptions): StorageMonitor {
  const names = new Set<string>();
  for (const store of options.stores) {
    if (names.has(store.name)) throw new Error(`storage monitor: two stores are named ${store.name}`);
    names.add(store.name);
  }
  const failuresBeforeDown = options.failuresBeforeDown ?? 2;
  const now = options.now ?? (() => new Date());
  const states = new Map(
    options.stores.map((store) => [store.name, { state: 'up' as StoreState, failures: 0, firstFailureAt: null as Date | null, lastError: null as string | null, since: now(), checkedAt: null as Date | null }]),
  );
  let started = false;
  let closed = false;

  const probeOne = async (store: ProbedStore) => {
    const entry = states.get(store.name)!;
    try {
      await store.probe(AbortSignal.timeout(options.timeoutMs));
      entry.checkedAt = now();
      entry.failures = 0;
      entry.firstFailureAt = null;
      entry.lastError = null;
      if (entry.state === 'down') {
        entry.state = 'up';
        entry.since = entry.checkedAt;
        options.log.info({ store: store.name }, `object store ${store.name} answers again`);
        options.onStateChange?.(store.name, 'up', 'the bucket answers again');
      }
    } catch (error) {
      entry.checkedAt = now();
      entry.failures += 1;
      entry.firstFailureAt ??= entry.checkedAt;
      entry.lastError = describe(error);
      if (entry.state === 'up' && entry.failures >= failuresBeforeDown) {
        entry.state = 'down';
        entry.since = entry.firstFailureAt;
        options.log.error({ store: store.name, failedProbes: entry.failures, err: error }, `object store ${store.name} is down: ${entry.lastError}`);
        options.onStateChange?.(store.name, 'down', entry.lastError);
      }
    }
  };

  // One round at a time: a round that hangs until its timeouts is not stacked on. Each probe
  // records its own failure, so the task has nothing to log.
  const probing = createPeriodicTask({
    name: 'media_store_probe',
    intervalMs: options.intervalMs,
    run: async () => void (await Promise.all(options.stores.map(probeOne))),
    ...(options.registry ? { registry: options.registry } : {}),
  });

  return {
    async start() {
      if (started || closed) return;
      started = true;
      await probing.start();
      void probing.runNow();
    },
    checkNow: () => probing.runNow(),
    status: () =>
      options.stores.map((store) => {
        const entry = states.get(store.name)!;
        return { name: store.name, state: entry.state, lastError: entry.lastError, since: entry.since, checkedAt: entry.checkedAt };
      }),
    state(name) {
      const entry = states.get(name);
      if (!entry) throw new Error(`storage monitor: no store named ${name}`);
      return entry.state;
    },
    async close() {
      closed = true;
      await probing.stop();
    },
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`.slice(0, 300);
}
