import { Gauge, type Registry } from 'prom-client';
import { createPeriodicTask } from '../periodic-task/periodic-task.ts';
import { withTimeout } from '../timeout/with-timeout.ts';

export interface ServerAvailability {
  /** True until a probe or a caller reported the server unreachable, and again after the next good probe. */
  isUp(): boolean;
  state(): { up: boolean; since: Date; lastError: string | null; checkedAt: Date | null };
  /** A caller's connection to the server failed: mark it down now and probe at once. */
  reportFailure(error: unknown): void;
  start(): Promise<void>;
  /** Stops probing; waits for a probe in flight. */
  stop(): Promise<void>;
}

export interface ServerAvailabilityOptions {
  /** Resolves when the server answers; rejects (or outlasts `probeTimeoutMs`) when it does not. */
  probe(): Promise<unknown>;
  intervalMs: number;
  probeTimeoutMs: number;
  onChange?(up: boolean, lastError: string | null): void;
}

/**
 * A circuit in front of one database server: a probe on its own connection every interval decides
 * whether the server is reachable, so callers can refuse work at once while it is not (no request
 * waits on a connect timeout or a pool queue) and resume by themselves when it answers again.
 */
export function watchServerAvailability(options: ServerAvailabilityOptions): ServerAvailability {
  let up = true;
  let since = new Date();
  let lastError: string | null = null;
  let checkedAt: Date | null = null;

  function moveTo(nextUp: boolean, error: string | null): void {
    lastError = error;
    if (nextUp === up) return;
    up = nextUp;
    since = new Date();
    options.onChange?.(up, error);
  }

  // The probe records its own failures (they are the state), so the task has nothing to log.
  const probing = createPeriodicTask({
    name: 'server_availability_probe',
    intervalMs: options.intervalMs,
    runAtStart: true,
    async run() {
      try {
        await withTimeout(options.probe(), options.probeTimeoutMs, 'availability probe');
        moveTo(true, null);
      } catch (error) {
        moveTo(false, error instanceof Error ? error.message : String(error));
      } finally {
        checkedAt = new Date();
      }
    },
  });

  return {
    isUp: () => up,
    state: () => ({ up, since, lastError, checkedAt }),
    reportFailure(error) {
      moveTo(false, error instanceof Error ? error.message : String(error));
      void probing.runNow();
    },
    start: () => probing.start(),
    stop: () => probing.stop(),
  };
}

/** `db_server_available{server}`: 1 while the server is reachable, read at each scrape. */
export function registerAvailabilityMetrics(registry: Registry, servers: Record<string, Pick<ServerAvailability, 'isUp'>>): void {
  new Gauge({
    name: 'db_server_available',
    help: '1 while the database server answers its availability probe, 0 while writes (or reads pinned to it) are refused',
    labelNames: ['server'] as const,
    registers: [registry],
    collect() {
      for (const [server, availability] of Object.entries(servers)) this.set({ server }, availability.isUp() ? 1 : 0);
    },
  });
}
