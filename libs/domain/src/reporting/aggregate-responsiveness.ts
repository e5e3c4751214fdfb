import { StreamingAggregator } from './period-walk.ts';
import { periodLabel } from './periods.ts';
import { percentOf, roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';

const DAY_MS = 86_400_000;

/** One request: when it was created and when its first quote arrived (null: none yet). */
export type RequestFirstQuote = { createdAt: Date; firstQuoteAt: Date | null };

/**
 * Folds requests sorted by creation time (they stream from the replica); `asOf` decides which are
 * 24 h old. Only the open period's minutes are held, so memory follows one period, not the range.
 */
export class ResponsivenessAggregator extends StreamingAggregator {
  readonly #asOfMs: number;
  readonly #minutesToFirstQuote = new ValueCollector();
  #requests = 0;
  #olderThan24h = 0;
  #noQuoteIn24h = 0;

  constructor(params: ReportParams, asOf: Date) {
    super(params, 'requests');
    this.#asOfMs = asOf.getTime();
  }

  add(request: RequestFirstQuote): void {
    if (!this.enterInstant(request.createdAt)) return;
    this.#requests += 1;
    const createdMs = request.createdAt.getTime();
    const waitedMs = request.firstQuoteAt === null ? null : request.firstQuoteAt.getTime() - createdMs;
    if (waitedMs !== null) this.#minutesToFirstQuote.push(waitedMs / 60_000);
    if (createdMs + DAY_MS <= this.#asOfMs) {
      this.#olderThan24h += 1;
      if (waitedMs === null || waitedMs > DAY_MS) this.#noQuoteIn24h += 1;
    }
  }

  /** The open period's totals become its row; a period with no requests gets a row of zeros. */
  protected closePeriod(period: string): void {
    const [p50, p90] = this.#minutesToFirstQuote.percentiles(0.5, 0.9);
    this.emit([
      {
        period: periodLabel(period, this.params.granularity),
        requests: this.#requests,
        answered: this.#minutesToFirstQuote.count,
        p50FirstQuoteMinutes: roundTo(p50 ?? null, 1),
        p90FirstQuoteMinutes: roundTo(p90 ?? null, 1),
        requestsOlderThan24h: this.#olderThan24h,
        noQuoteIn24h: this.#noQuoteIn24h,
        noQuoteIn24hPercent: roundTo(percentOf(this.#noQuoteIn24h, this.#olderThan24h), 1),
      },
    ]);
    this.#minutesToFirstQuote.clear();
    this.#requests = this.#olderThan24h = this.#noQuoteIn24h = 0;
  }

}
