import { periodOfInstant, periodsInRange } from './periods.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/**
 * Rows of a report arrive sorted by period (the SQL orders them so), which lets an aggregator hold
 * one period, or one group of a period, at a time instead of the whole range: memory stays flat
 * however many rows the replica holds. The walk opens each period in turn and closes every
 * period it passes, empty ones included, so the report still lists them in order.
 */
export class PeriodWalk {
  readonly #periods: readonly string[];
  readonly #indexOf: ReadonlyMap<string, number>;
  readonly #close: (period: string) => void;
  readonly #what: string;
  /** The first period not yet opened. */
  #next = 0;
  #current: string | null = null;

  /** `close` is called once for every period, in order; `what` names the rows in the out-of-order error. */
  constructor(periods: readonly string[], what: string, close: (period: string) => void) {
    this.#periods = periods;
    this.#indexOf = new Map(periods.map((period, index) => [period, index]));
    this.#what = what;
    this.#close = close;
  }

  get current(): string | null {
    return this.#current;
  }

  /**
   * Makes `period` the open one, closing those before it. False for a period outside the
   * report's range (the row is ignored). A period already closed means the rows were not sorted:
   * an error, since folding on would silently split a period's figures.
   */
  enter(period: string): boolean {
    if (period === this.#current) return true;
    const index = this.#indexOf.get(period);
    if (index === undefined) return false;
    if (index < this.#next) throw new Error(`${this.#what} arrived out of period order: ${period} after ${this.#current ?? this.#periods[this.#next - 1]}`);
    if (this.#current !== null) this.#close(this.#current);
    for (; this.#next < index; this.#next++) this.#close(this.#periods[this.#next]!);
    this.#next = index + 1;
    this.#current = period;
    return true;
  }

  /** Closes the open period and every one after it. */
  finish(): void {
    if (this.#current !== null) this.#close(this.#current);
    this.#current = null;
    for (; this.#next < this.#periods.length; this.#next++) this.#close(this.#periods[this.#next]!);
  }
}

/**
 * What every streaming aggregator shares: records go in with its `add…` in the SQL's order, each
 * calling `enterInstant` first; the walk calls `closePeriod` once for every period of the range,
 * in order; finished periods come out with `takeCompleted()`, and `finish()` closes the rest.
 */
export abstract class StreamingAggregator {
  protected readonly params: ReportParams;
  readonly #walk: PeriodWalk;
  #completed: ReportRow[] = [];

  /** `what` names the records in the out-of-order error. */
  protected constructor(params: ReportParams, what: string) {
    this.params = params;
    this.#walk = new PeriodWalk(periodsInRange(params.from, params.to, params.granularity), what, (period) => this.closePeriod(period));
  }

  /** Opens the period `instant` falls in (closing those before it); false when it lies outside the range. */
  protected enterInstant(instant: Date): boolean {
    return this.#walk.enter(periodOfInstant(instant, this.params.granularity));
  }

  /** The period now open, for error messages. */
  protected get openPeriod(): string | null {
    return this.#walk.current;
  }

  /** Turns what was folded for `period` into its rows (with `emit`) and resets for the next one. */
  protected abstract closePeriod(period: string): void;

  protected emit(rows: ReportRow[]): void {
    for (const row of rows) this.#completed.push(row);
  }

  /** Rows of the periods completed since the last call, in report order. */
  takeCompleted(): ReportRow[] {
    const rows = this.#completed;
    this.#completed = [];
    return rows;
  }

  /** Closes every period still open or not reached and returns the rows not yet taken. */
  finish(): ReportRow[] {
    this.#walk.finish();
    return this.takeCompleted();
  }
}
