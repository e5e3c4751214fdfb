/**
 * Whether S3 can be used, learnt from the jobs' own calls and, once it is declared down, from a
 * probe of the bucket. Jobs never spend their retries on an outage: the worker asks how long to
 * hold the queue, and the answer grows from a short pause to the probe interval.
 */
import { createPeriodicTask } from '@chucar/platform';

export type StorageState = 'up' | 'down';

export interface StorageAvailability {
  readonly state: StorageState;
  /** A storage call failed for lack of S3; returns how long the queue should hold its jobs, in ms. */
  recordUnavailable(error: Error): number;
  /** A storage call succeeded. */
  recordAvailable(): void;
  /** How long to hold a job that arrives while S3 is down, in ms. */
  readonly holdMs: number;
  /** Stops probing, after a probe in flight. */
  close(): Promise<void>;
}

export interface StorageAvailabilityOptions {
  /** HeadBucket: resolves when the bucket answers. */
  probe(): Promise<void>;
  /** Consecutive unavailable errors that declare S3 down and start the probe. */
  failuresBeforeDown?: number;
  probeIntervalMs?: number;
  /** First pause after an error while S3 is still considered up. */
  firstPauseMs?: number;
  onStateChange?(state: StorageState, detail: string): void;
}

export function createStorageAvailability(options: StorageAvailabilityOptions): StorageAvailability {
  const failuresBeforeDown = options.failuresBeforeDown ?? 3;
  const probeIntervalMs = options.probeIntervalMs ?? 2000;
  const firstPauseMs = options.firstPauseMs ?? 250;
  let state: StorageState = 'up';
  let consecutiveFailures = 0;
  let closed = false;

  const setState = (next: StorageState, detail: string) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next, detail);
  };

  // Runs only while S3 is down; a failed probe is the expected news then, so it is not logged.
  const probing = createPeriodicTask({
    name: 'media_storage_recovery_probe',
    intervalMs: probeIntervalMs,
    run: async () => {
      await options.probe();
      consecutiveFailures = 0;
      setState('up', 'the bucket answers again');
      // Not awaited: the run in flight that stop() waits for is this one.
      void probing.stop();
    },
  });

  return {
    get state() {
      return state;
    },
    holdMs: probeIntervalMs,
    recordUnavailable(error) {
      consecutiveFailures += 1;
      if (state === 'up' && consecutiveFailures >= failuresBeforeDown) {
        setState('down', error.message);
        if (!closed) void probing.start();
      }
      if (state === 'down') return probeIntervalMs;
      return Math.min(probeIntervalMs, firstPauseMs * 2 ** (consecutiveFailures - 1));
    },
    recordAvailable() {
      consecutiveFailures = 0;
    },
    async close() {
      closed = true;
      await probing.stop();
    },
  };
}
