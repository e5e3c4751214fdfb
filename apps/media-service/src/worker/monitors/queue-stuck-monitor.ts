/**
 * A stuck queue: work has waited for `stuckAfterMs` and no job completed in that time, on any
 * worker. Completions are read from BullMQ's own per-queue counter (the workers record metrics),
 * so several worker processes are judged together; one process seeing no progress of its own
 * proves nothing. An empty queue is never stuck, and a queue that just received work after a quiet
 * night is not stuck until the work has waited the whole period.
 */
import type { Registry } from 'prom-client';
import { createPeriodicTask, type Logger } from '@chucar/platform';

export interface QueueProgress {
  /** Jobs ready to run (waiting + prioritized; delayed jobs wait on purpose). */
  waiting: number;
  /** Jobs completed since the queue began (BullMQ's metrics counter). */
  completedTotal: number;
  /** Whether the queue is held on purpose (the worker holds it while S3 is down). */
  heldForStorage: boolean;
}

export interface QueueStuckStatus {
  stuck: boolean;
  waiting: number;
  /** Since when work has waited with no completion, or null. */
  stalledSince: Date | null;
  heldForStorage: boolean;
  /** The last read failed (Redis away): nothing is concluded from it. */
  lastError: string | null;
}

export interface QueueStuckMonitor {
  /** Starts watching: a first look at once (not awaited), then one every `checkEveryMs`. */
  start(): Promise<void>;
  /** Looks now, or joins the look in flight, and returns the verdict. */
  checkNow(): Promise<QueueStuckStatus>;
  status(): QueueStuckStatus;
  /** Stops watching, after a look in flight. */
  close(): Promise<void>;
}

export interface QueueStuckMonitorOptions {
  readProgress(): Promise<QueueProgress>;
  stuckAfterMs: number;
  checkEveryMs: number;
  log: Logger;
  now?: () => number;
  onStateChange?(stuck: boolean): void;
  /** Where the looks' periodic_task_runs_total goes, if anywhere. */
  registry?: Registry;
}

export function createQueueStuckMonitor(options: QueueStuckMonitorOptions): QueueStuckMonitor {
  const now = options.now ?? Date.now;
  let lastCompleted: number | null = null;
  let stalledSinceMs: number | null = null;
  let current: QueueStuckStatus = { stuck: false, waiting: 0, stalledSince: null, heldForStorage: false, lastError: null };
  let started = false;

  const evaluate = (progress: QueueProgress): QueueStuckStatus => {
    const at = now();
    const completedSinceLastLook = lastCompleted !== null && progress.completedTotal !== lastCompleted;
    lastCompleted = progress.completedTotal;
    if (progress.waiting === 0 || completedSinceLastLook) stalledSinceMs = null;
    else stalledSinceMs ??= at;
    const stuck = stalledSinceMs !== null && at - stalledSinceMs >= options.stuckAfterMs;
    return { stuck, waiting: progress.waiting, stalledSince: stalledSinceMs === null ? null : new Date(stalledSinceMs), heldForStorage: progress.heldForStorage, lastError: null };
  };

  const check = async (): Promise<void> => {
    let next: QueueStuckStatus;
    try {
      next = evaluate(await options.readProgress());
    } catch (error) {
      // Redis away is the redis check's news; the last verdict stands meanwhile.
      next = { ...current, lastError: error instanceof Error ? error.message : String(error) };
    }
    if (next.stuck !== current.stuck) {
      if (next.stuck) {
        options.log.error(
          { waiting: next.waiting, stalledSince: next.stalledSince, heldForStorage: next.heldForStorage, stuckAfterMs: options.stuckAfterMs },
          `media queue stuck: ${next.waiting} jobs waiting and none completed for ${Math.round(options.stuckAfterMs / 1000)} s${next.heldForStorage ? ' (held while S3 is down)' : ''}`,
        );
      } else {
        options.log.info({ waiting: next.waiting }, 'media queue moves again');
      }
      options.onStateChange?.(next.stuck);
    }
    current = next;
  };
  // A failed read is recorded in the status (lastError) above, so the task has nothing to log.
  const watching = createPeriodicTask({ name: 'media_queue_stuck_check', intervalMs: options.checkEveryMs, run: check, ...(options.registry ? { registry: options.registry } : {}) });

  return {
    async start() {
      if (started) return;
      started = true;
      await watching.start();
      void watching.runNow();
    },
    async checkNow() {
      await watching.runNow();
      return current;
    },
    status: () => current,
    close: () => watching.stop(),
  };
}

/** The readiness detail of a stuck queue, for /health/ready. */
export function describeStuckQueue(status: QueueStuckStatus, stuckAfterMs: number): string {
  const held = status.heldForStorage ? '; the worker holds it while S3 is down' : '';
  return `${status.waiting} jobs waiting, none completed since ${status.stalledSince?.toISOString() ?? '?'} (threshold ${Math.round(stuckAfterMs / 1000)} s)${held}`;
}
