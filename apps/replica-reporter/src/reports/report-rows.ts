import type { ReportRow } from '@chucar/domain';

export type RowsOutcome = { rows: number; error: unknown };

/**
 * A report's rows as the replica's results are folded, a period at a time. The SQL is read at the
 * replica's pace, not the reader's: finished rows wait here, so a slow HTTP client never keeps a
 * statement open on the replica (where it would run into the statement time limit). When the
 * reader keeps up, as a file or a pipe does, a period or two is all that waits.
 *
 * Read it once. A reader that stops early leaves through the iterator's return (for-await does
 * that) or calls close(); the query is then stopped at once (see start's stopSource), or else at
 * the next period. Await close() before
 * closing the pool: a pool ended under a query still streaming waits for it forever.
 */
export class ReportRows implements AsyncIterable<ReportRow> {
  readonly #waiting: ReportRow[][] = [];
  #failure: unknown = null;
  #done = false;
  #closed = false;
  #wake: (() => void) | null = null;
  #produced = 0;
  #handedOn = 0;
  #pumped: Promise<void> = Promise.resolve();
  readonly #stopSource: () => void;

  private constructor(stopSource: () => void) {
    this.#stopSource = stopSource;
  }

  /**
   * Starts folding `batches` and resolves once the first rows are ready (or there are none), so a
   * failure before any row, such as the statement time limit while the replica sorts, is thrown
   * here, while an HTTP answer can still be an error. `onEnd` is called once, when the SQL is done.
   * `stopSource` is called when the reader goes away early, to stop the query at once rather than
   * at the next period (the runner aborts the running statement with it).
   */
  static async start(batches: AsyncGenerator<ReportRow[]>, onEnd: (outcome: RowsOutcome) => void, stopSource: () => void = () => {}): Promise<ReportRows> {
    const rows = new ReportRows(stopSource);
    rows.#pumped = rows.#pump(batches, onEnd);
    await rows.#firstRowsOrEnd();
    if (rows.#failure !== null && rows.#waiting.length === 0) {
      await rows.#pumped;
      throw rows.#failure;
    }
    return rows;
  }

  /** Whether the SQL is done (read to its end, stopped or failed). */
  get finished(): boolean {
    return this.#done;
  }

  /** Rows handed to the reader so far. */
  get count(): number {
    return this.#handedOn;
  }

  async #pump(batches: AsyncGenerator<ReportRow[]>, onEnd: (outcome: RowsOutcome) => void): Promise<void> {
    try {
      for await (const batch of batches) {
        if (this.#closed) break; // for-await returns the generator: its query is stopped and its connection closed
        if (batch.length === 0) continue;
        this.#produced += batch.length;
        this.#waiting.push(batch);
        this.#notify();
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      this.#done = true;
      this.#notify();
      onEnd({ rows: this.#produced, error: this.#failure });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async #firstRowsOrEnd(): Promise<void> {
    while (this.#waiting.length === 0 && !this.#done) await new Promise<void>((resolve) => (this.#wake = resolve));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ReportRow> {
    try {
      for (;;) {
        const batch = this.#waiting.shift();
        if (batch) {
          for (const row of batch) {
            this.#handedOn += 1;
            yield row;
          }
          continue;
        }
        if (this.#failure !== null) throw this.#failure;
        if (this.#done) return;
        await this.#firstRowsOrEnd();
      }
    } finally {
      void this.close();
    }
  }

  /** Stops reading: the rows waiting are dropped; resolves once the query has stopped (at its next period) or ended. */
  close(): Promise<void> {
    if (!this.#closed && !this.#done) this.#stopSource();
    this.#closed = true;
    this.#waiting.length = 0;
    return this.#pumped;
  }
}

/** Every row in hand, for the outputs that need them all at once (charts, column widths) and for tests. */
export async function allRows(rows: AsyncIterable<ReportRow> | Iterable<ReportRow>): Promise<ReportRow[]> {
  const all: ReportRow[] = [];
  for await (const row of rows) all.push(row);
  return all;
}
