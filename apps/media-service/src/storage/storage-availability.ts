/**
 * Whether S3 can be used, learnt from the jobs' own calls and, once it is declared down, from a
 * probe of the bucket. Jobs never spend their retries on an outage: the worker asks how long to
 * hold the queue, and the answer grows from a short pause to the probe interval.
 */
export type StorageState = 'up' | 'down';

export interface StorageAvailability {
  readonly state: StorageState;
  /** A storage call failed for lack of S3; returns how long the queue should hold its jobs, in ms. */
  recordUnavailable(error: Error): number;
  /** A storage call succeeded. */
  recordAvailable(): void;
  /** How long to hold a job that arrives while S3 is down, in ms. */
  readonly holdMs: number;
  /** Stops probing. */
  close(): void;
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
  let probeTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const setState = (next: StorageState, detail: string) => {
    if (state === next) return;
    state = next;
    options.onStateChange?.(next, detail);
  };

  const scheduleProbe = () => {
    if (closed) return;
    probeTimer = setTimeout(() => {
      options.probe().then(
        () => {
          consecutiveFailures = 0;
          setState('up', 'the bucket answers again');
        },
        () => scheduleProbe(),
      );
    }, probeIntervalMs);
    probeTimer.unref();
  };

  return {
    get state() {
      return state;
    },
    holdMs: probeIntervalMs,
    recordUnavailable(error) {
      consecutiveFailures += 1;
      if (state === 'up' && consecutiveFailures >= failuresBeforeDown) {
        setState('down', error.message);
        scheduleProbe();
      }
      if (state === 'down') return probeIntervalMs;
      return Math.min(probeIntervalMs, firstPauseMs * 2 ** (consecutiveFailures - 1));
    },
    recordAvailable() {
      consecutiveFailures = 0;
    },
    close() {
      closed = true;
      clearTimeout(probeTimer);
    },
  };
}
