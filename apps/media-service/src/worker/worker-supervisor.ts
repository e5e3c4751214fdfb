/**
 * Keeps one BullMQ worker alive across Redis restarts. BullMQ workers have been seen to stop for
 * good after one (bullmq issues 648, 2466, 2964, 3185): the connection comes back and no job is
 * ever taken again. The watchdog recreates the worker and its connection when
 * - the worker is no longer running although nobody closed it;
 * - its connection has not been ready since a disconnect for `reconnectGraceMs`, while Redis answers;
 * - jobs are waiting, the queue is not rate limited, and it has taken none for `idleWithWorkMs`.
 */
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { MediaJob, MediaJobName } from '@chucar/contracts';
import { createPeriodicTask, withTimeout, type Logger } from '@chucar/platform';

export interface SupervisedWorker {
  worker: Worker<MediaJob['data'], string, MediaJobName>;
  connection: Redis;
}

export interface WorkerSupervisorOptions {
  /** A new worker (autorun off) on a new connection. */
  create(): SupervisedWorker;
  log: Logger;
  /** Whether Redis answers right now (on another connection). */
  redisAnswers(): Promise<boolean>;
  /** Jobs are waiting and nothing (a rate limit) holds them back. */
  workIsWaiting(): Promise<boolean>;
  onRecreate?(reason: string): void;
  /** Where the watchdog's periodic_task_runs_total goes, if anywhere. */
  registry?: Registry;
  checkEveryMs?: number;
  reconnectGraceMs?: number;
  idleWithWorkMs?: number;
}

export interface WorkerSupervisor {
  start(): void;
  /** Closes the worker gracefully: the jobs it runs finish first, for at most `graceMs`. */
  close(graceMs?: number): Promise<void>;
  readonly restarts: number;
  /** The worker running now (null before start and after close). */
  readonly current: SupervisedWorker | null;
}

export function createWorkerSupervisor(options: WorkerSupervisorOptions): WorkerSupervisor {
  const checkEveryMs = options.checkEveryMs ?? 5000;
  const reconnectGraceMs = options.reconnectGraceMs ?? 20_000;
  const idleWithWorkMs = options.idleWithWorkMs ?? 60_000;
  let current: SupervisedWorker | null = null;
  let disconnectedSince: number | null = null;
  let lastProgressAt = Date.now();
  let closing = false;
  let restarts = 0;

  const launch = () => {
    const next = options.create();
    disconnectedSince = null;
    lastProgressAt = Date.now();
    next.connection.on('close', () => {
      disconnectedSince ??= Date.now();
    });
    next.connection.on('ready', () => {
      disconnectedSince = null;
    });
    for (const event of ['active', 'completed', 'failed'] as const) next.worker.on(event, () => void (lastProgressAt = Date.now()));
    next.worker.on('error', (error) => options.log.warn({ err: error }, 'media worker error'));
    next.worker.run().catch((error: unknown) => options.log.error({ err: error }, 'media worker stopped with an error'));
    current = next;
  };

  const retire = async (old: SupervisedWorker, force: boolean, waitMs: number) => {
    // A forced close leaves running jobs to finish on their own; their locks lapse and BullMQ's stalled check hands them out again.
    await withTimeout(old.worker.close(force), waitMs, 'closing the media worker').catch((error: unknown) =>
      options.log.warn({ err: error }, 'the media worker did not close cleanly; its connection is cut'),
    );
    old.connection.disconnect();
  };

  const reasonToRecreate = async (): Promise<string | null> => {
    if (!current) return null;
    if (!current.worker.isRunning()) return 'worker-stopped';
    const now = Date.now();
    if (disconnectedSince !== null && now - disconnectedSince > reconnectGraceMs && (await options.redisAnswers())) return 'no-ready-after-disconnect';
    if (now - lastProgressAt > idleWithWorkMs && (await options.workIsWaiting())) return 'idle-with-waiting-jobs';
    return null;
  };

  const check = async () => {
    if (closing) return;
    const reason = await reasonToRecreate();
    if (reason && current && !closing) {
      restarts += 1;
      options.log.warn({ reason }, 'recreating the media worker and its Redis connection');
      options.onRecreate?.(reason);
      const old = current;
      launch();
      await retire(old, true, 5000);
    }
  };
  const watchdog = createPeriodicTask({ name: 'media_worker_watchdog', intervalMs: checkEveryMs, run: check, logger: options.log, ...(options.registry ? { registry: options.registry } : {}) });

  return {
    start() {
      launch();
      void watchdog.start();
    },
    async close(graceMs = 30_000) {
      closing = true;
      // A check in flight may be replacing the worker: the one it leaves running is the one closed.
      await watchdog.stop();
      if (current) await retire(current, false, graceMs);
      current = null;
    },
    get restarts() {
      return restarts;
    },
    get current() {
      return current;
    },
  };
}
