import { ReportRefusal } from './refusal.ts';

/**
 * A cap on the report queries one process runs on the replica at once; the rest wait in order,
 * for at most `maxWaitMs`, then are refused as busy (the replica also serves the gateway's reads).
 */
export class QuerySlots {
  readonly #max: number;
  readonly #maxWaitMs: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number, maxWaitMs: number) {
    this.#max = max;
    this.#maxWaitMs = maxWaitMs;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async acquire(): Promise<() => void> {
    if (this.#running < this.#max) {
      this.#running += 1;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(grant), 1);
        reject(new ReportRefusal('reports_busy', `${this.#max} report queries are already running on the replica; retry shortly`, 10));
      }, this.#maxWaitMs);
      this.#waiting.push(grant);
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so the count stays at the cap.
      if (next) next();
      else this.#running -= 1;
    };
  }
}
