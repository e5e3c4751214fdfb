/**
 * How long accepted uploads have waited to be stored: the age of the oldest `spooled` row, counted
 * from its acceptance (created_at). Read from the database, the source of truth whatever Redis
 * holds, on the worker's periodic checks, so a scrape never waits on a query. A media put back to
 * `spooled` (requeued, or uploaded again after it was lost or purged) counts from its first
 * acceptance: updated_at cannot stand in, since every store attempt moves it.
 */
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { Database as Schema } from '@chucar/domain';
import { createPeriodicTask } from '@chucar/platform';

/** When the oldest upload still waiting to be stored was accepted; null when none waits. One dive into ix_media_status_created. */
export async function oldestWaitingUploadAcceptedAt(db: Kysely<Schema>): Promise<Date | null> {
  const row = await db
    .selectFrom('media')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('status', '=', 'spooled')
    .executeTakeFirst();
  return row?.oldest ?? null;
}

export interface WaitingUploadsWatch {
  /** Seconds the oldest waiting upload has waited, 0 when none waits; null before the first answer and while the database does not answer. */
  oldestWaitingSeconds(): number | null;
  /** Reads the database now, or joins the read in flight (the timer does the same). */
  refresh(): Promise<void>;
  /** Starts reading: a first read at once (not awaited), then one every `refreshEveryMs`. */
  start(): Promise<void>;
  /** Stops reading, after a read in flight. */
  close(): Promise<void>;
}

export interface WaitingUploadsWatchOptions {
  oldestAcceptedAt(): Promise<Date | null>;
  refreshEveryMs: number;
  now?: () => number;
  /** Where the reads' periodic_task_runs_total goes, if anywhere. */
  registry?: Registry;
}

export function createWaitingUploadsWatch(options: WaitingUploadsWatchOptions): WaitingUploadsWatch {
  const now = options.now ?? Date.now;
  // What the last read said: nothing waits, the oldest acceptance, or no answer (undefined).
  let oldest: Date | null | undefined;
  let started = false;

  const reading = createPeriodicTask({
    name: 'media_waiting_uploads_read',
    intervalMs: options.refreshEveryMs,
    run: async () => {
      try {
        oldest = await options.oldestAcceptedAt();
      } catch (error) {
        // No value rather than a stale one. Counted as a failed run, not logged: the primary's own
        // check says the database is away.
        oldest = undefined;
        throw error;
      }
    },
    ...(options.registry ? { registry: options.registry } : {}),
  });

  return {
    oldestWaitingSeconds() {
      if (oldest === undefined) return null;
      // Computed at each scrape from the acceptance time, so the age keeps growing between reads.
      return oldest === null ? 0 : Math.max(0, (now() - oldest.getTime()) / 1000);
    },
    refresh: () => reading.runNow(),
    async start() {
      if (started) return;
      started = true;
      await reading.start();
      void reading.runNow();
    },
    close: () => reading.stop(),
  };
}
