import { createPeriodicTask, type PeriodicTask } from '@chucar/platform';

/**
 * A fixed-window rate limit shared by every gateway instance, decided without a Redis round trip
 * per request. Each instance counts hits per key locally and settles with the store in batches:
 * a key's unsent hits are pushed when they reach `syncBatchSize`, and every key's at each
 * `syncIntervalMs` tick, in one round trip that answers each key's global count and time left.
 * A key whose known count reached `max` is refused locally until its window ends.
 *
 * Tolerance: one instance alone is exact (its own unsent hits count in every decision). Across
 * N instances, each one admits at most `syncBatchSize` hits, plus those arriving during one store
 * round trip, before it learns that the others filled the window, so a key gets at most
 * N × syncBatchSize (+ N × rate × round trip) requests more than `max` per window.
 * While the store is unreachable every request is let through (fail open) and its hits are not
 * counted anywhere.
 */

export interface RateLimitSettings {
  max: number;
  windowMs: number;
  syncIntervalMs: number;
  syncBatchSize: number;
}

export interface KeyHits {
  key: string;
  hits: number;
}

export interface WindowCount {
  /** Hits in the key's current window, across every instance, including the ones just added. */
  count: number;
  /** Time until that window ends. */
  ttlMs: number;
}

/** Where instances settle their counts; answers come back in the order the batches were sent. */
export interface RateLimitStore {
  /** Adds each key's hits to its window (a new window lasts `windowMs`); answers one count per key, in order. */
  add(batch: readonly KeyHits[], windowMs: number): Promise<WindowCount[]>;
  isAvailable(): boolean;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Time until the key's window ends; 0 when nothing is known (store unavailable). */
  resetMs: number;
}

interface KeyWindow {
  endsAt: number;
  /** The global count the store last answered. */
  known: number;
  /** Hits pushed to the store, not yet answered. */
  sending: number;
  /** Hits admitted here, not yet pushed. */
  unsent: number;
}

export class SharedRateLimiter {
  private readonly windows = new Map<string, KeyWindow>();
  private readonly syncing: PeriodicTask;
  private readonly settings: RateLimitSettings;
  private readonly store: RateLimitStore;
  private readonly now: () => number;
  private readonly onSyncFailure: (error: unknown) => void;

  constructor(settings: RateLimitSettings, store: RateLimitStore, options: { now?: () => number; onSyncFailure?: (error: unknown) => void } = {}) {
    this.settings = settings;
    this.store = store;
    this.now = options.now ?? Date.now;
    this.onSyncFailure = options.onSyncFailure ?? (() => {});
    // A failed push is reported through onSyncFailure by send(); the task has nothing more to log.
    this.syncing = createPeriodicTask({ name: 'rate_limit_sync', intervalMs: settings.syncIntervalMs, run: () => this.sync() });
  }

  /** Counts one request for `key` and says whether it may proceed. Never waits for the store. */
  hit(key: string): RateLimitDecision {
    const { max, windowMs, syncBatchSize } = this.settings;
    if (!this.store.isAvailable()) return { allowed: true, limit: max, remaining: max, resetMs: 0 };
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.endsAt) {
      window = { endsAt: now + windowMs, known: 0, sending: 0, unsent: 0 };
      this.windows.set(key, window);
    }
    const used = window.known + window.sending + window.unsent;
    const resetMs = window.endsAt - now;
    if (used >= max) return { allowed: false, limit: max, remaining: 0, resetMs };
    window.unsent += 1;
    if (window.unsent >= syncBatchSize) void this.send([[key, window]]);
    return { allowed: true, limit: max, remaining: max - used - 1, resetMs };
  }

  /** Pushes every key's unsent hits in one batch and forgets windows that ended. */
  async sync(): Promise<void> {
    const now = this.now();
    const pending: [string, KeyWindow][] = [];
    for (const [key, window] of this.windows) {
      if (window.unsent > 0) pending.push([key, window]);
      else if (now >= window.endsAt && window.sending === 0) this.windows.delete(key);
    }
    if (pending.length > 0) await this.send(pending);
  }

  /** Keys with a window in memory: bounded by the distinct clients seen within one window. */
  trackedKeyCount(): number {
    return this.windows.size;
  }

  start(): Promise<void> {
    return this.syncing.start();
  }

  /** Stops the ticks and pushes what is left, so a closing instance's last hits still count. */
  async stop(): Promise<void> {
    await this.syncing.stop();
    if (this.store.isAvailable()) await this.sync();
  }

  private async send(entries: [string, KeyWindow][]): Promise<void> {
    const batch = entries.map(([key, window]) => {
      const hits = window.unsent;
      window.unsent = 0;
      window.sending += hits;
      return { key, window, hits };
    });
    let counts: WindowCount[];
    try {
      counts = await this.store.add(batch.map(({ key, hits }) => ({ key, hits })), this.settings.windowMs);
    } catch (error) {
      // Fail open: hits the store never counted are forgotten rather than held against the client.
      for (const { window, hits } of batch) window.sending -= hits;
      this.onSyncFailure(error);
      return;
    }
    const now = this.now();
    batch.forEach(({ key, window, hits }, index) => {
      window.sending -= hits;
      const answer = counts[index];
      // A window that ended locally while this batch was out has been replaced; its answer is stale.
      if (!answer || this.windows.get(key) !== window) return;
      // Answers arrive in send order, so the latest one is the freshest global count (and a
      // window the store restarted shows as a small count with a full time to live).
      window.known = answer.count;
      window.endsAt = now + answer.ttlMs;
    });
  }
}
