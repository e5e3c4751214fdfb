import { Counter, Gauge, type Registry } from 'prom-client';

/** The logger calls a periodic task makes; pino's logger and fastify's `app.log` both fit. */
export interface PeriodicTaskLogger {
  warn(details: object, message: string): void;
}

export interface PeriodicTaskOptions {
  /** Names the task in logs and in the `task` label of its metrics: `expiry_sweep`, `replica_health`. */
  name: string;
  intervalMs: number;
  /** One run. A thrown error is logged and counted; the next tick runs again. */
  run: () => Promise<void>;
  /** Where a failing run is logged. Only a task whose run records its own failures (a probe) leaves it out. */
  logger?: PeriodicTaskLogger;
  /** Where `periodic_task_runs_total` and `periodic_task_last_success_timestamp_seconds` go, if anywhere. */
  registry?: Registry;
  /** Run once at `start()` and wait for it, so the first state is known before traffic (default false). */
  runAtStart?: boolean;
  /** Keep the process alive for the ticks (default false: a task never holds a closing process open). */
  keepProcessAlive?: boolean;
}

export interface PeriodicTask {
  /** Starts ticking; with `runAtStart` resolves after the first run. Starting twice is harmless. */
  start(): Promise<void>;
  /** Stops ticking and waits for a run in flight, so nothing the run uses is closed under it. */
  stop(): Promise<void>;
  /** Runs now, or joins the run in flight: runs never overlap. Never rejects (errors are logged). */
  runNow(): Promise<void>;
  /** True while a run is in flight. */
  readonly running: boolean;
}

type RunOutcome = 'success' | 'failure' | 'skipped';

/**
 * A task run every `intervalMs`. Overlap policy: a tick that finds the previous run still in
 * flight is skipped (counted as `skipped`), never queued, so a slow dependency cannot pile runs up.
 * A failing run is logged at warn and the loop goes on.
 */
export function createPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  const metrics = options.registry ? periodicTaskMetrics(options.registry) : null;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;

  const count = (outcome: RunOutcome) => metrics?.runs.inc({ task: options.name, outcome });

  function runNow(): Promise<void> {
    inFlight ??= (async () => {
      try {
        await options.run();
        count('success');
        metrics?.lastSuccess.set({ task: options.name }, Date.now() / 1000);
      } catch (error) {
        count('failure');
        options.logger?.warn({ err: error, task: options.name }, `${options.name} failed; trying again in ${options.intervalMs} ms`);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  function tick(): void {
    if (inFlight) count('skipped');
    else void runNow();
  }

  return {
    async start() {
      if (timer) return;
      timer = setInterval(tick, options.intervalMs);
      if (!options.keepProcessAlive) timer.unref();
      if (options.runAtStart) await runNow();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await inFlight;
    },
    runNow,
    get running() {
      return inFlight !== null;
    },
  };
}

interface PeriodicTaskMetrics {
  runs: Counter<'task' | 'outcome'>;
  lastSuccess: Gauge<'task'>;
}

// Several tasks share one registry; prom-client refuses a second metric of the same name.
function periodicTaskMetrics(registry: Registry): PeriodicTaskMetrics {
  const runs =
    (registry.getSingleMetric('periodic_task_runs_total') as Counter<'task' | 'outcome'> | undefined) ??
    new Counter({ name: 'periodic_task_runs_total', help: 'Runs of periodic background tasks by outcome (success, failure, skipped because the previous run was still in flight)', labelNames: ['task', 'outcome'] as const, registers: [registry] });
  const lastSuccess =
    (registry.getSingleMetric('periodic_task_last_success_timestamp_seconds') as Gauge<'task'> | undefined) ??
    new Gauge({ name: 'periodic_task_last_success_timestamp_seconds', help: 'Unix time of the last successful run of each periodic background task', labelNames: ['task'] as const, registers: [registry] });
  return { runs, lastSuccess };
}
