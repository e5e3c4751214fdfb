/**
 * When to restart a process that exited on its own, and when to call it a crash loop. Pure: the
 * supervisor passes the clock in, so the rules are tested without waiting.
 */
export interface RestartPolicySettings {
  /** The first delay; it doubles on each restart in a row up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that stayed up this long is healthy again: the next crash starts from initialDelayMs. */
  healthyAfterMs: number;
  /** This many restarts within crashLoopWindowMs make a crash loop. */
  crashLoopRestarts: number;
  crashLoopWindowMs: number;
}

export const defaultRestartPolicy: RestartPolicySettings = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  crashLoopRestarts: 5,
  crashLoopWindowMs: 120_000,
};

export interface RestartDecision {
  delayMs: number;
  /** Restarts since the process was last healthy, this one included. */
  restartsInARow: number;
  /** True when this restart makes (or keeps) the process a crash loop. */
  crashLooping: boolean;
  /** True only for the restart that turned it into a crash loop, so it is reported once. */
  crashLoopStarted: boolean;
}

export class RestartPolicy {
  readonly #settings: RestartPolicySettings;
  #restartsInARow = 0;
  #recentRestarts: number[] = [];
  #crashLooping = false;
  #startedAt: number | null = null;

  constructor(settings: RestartPolicySettings = defaultRestartPolicy) {
    this.#settings = settings;
  }

  get crashLooping(): boolean {
    return this.#crashLooping;
  }

  started(nowMs: number): void {
    this.#startedAt = nowMs;
  }

  /** Called while the process runs: once it has been up healthyAfterMs, the slate is wiped. */
  checkHealthy(nowMs: number): boolean {
    if (this.#startedAt === null || nowMs - this.#startedAt < this.#settings.healthyAfterMs) return false;
    this.#restartsInARow = 0;
    this.#crashLooping = false;
    return true;
  }

  exited(nowMs: number): RestartDecision {
    this.checkHealthy(nowMs);
    this.#startedAt = null;
    const window = this.#settings.crashLoopWindowMs;
    this.#recentRestarts = [...this.#recentRestarts.filter((at) => nowMs - at < window), nowMs];
    this.#restartsInARow += 1;
    const delayMs = Math.min(this.#settings.maxDelayMs, this.#settings.initialDelayMs * 2 ** (this.#restartsInARow - 1));
    const wasLooping = this.#crashLooping;
    this.#crashLooping = wasLooping || this.#recentRestarts.length >= this.#settings.crashLoopRestarts;
    return { delayMs, restartsInARow: this.#restartsInARow, crashLooping: this.#crashLooping, crashLoopStarted: this.#crashLooping && !wasLooping };
  }
}
