import { periodLabel, periodOfInstant, periodsInRange } from './periods.ts';
import { percentOf, roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

const DAY_MS = 86_400_000;

/** One request: when it was created and when its first quote arrived (null: none yet). */
export type RequestFirstQuote = { createdAt: Date; firstQuoteAt: Date | null };

type PeriodTotals = { requests: number; minutesToFirstQuote: ValueCollector; olderThan24h: number; noQuoteIn24h: number };

/** Folds requests one at a time (they stream from the replica); `asOf` decides which are 24 h old. */
export class ResponsivenessAggregator {
  readonly #params: ReportParams;
  readonly #asOfMs: number;
  readonly #periods: Map<string, PeriodTotals>;

  constructor(params: ReportParams, asOf: Date) {
    this.#params = params;
    this.#asOfMs = asOf.getTime();
    this.#periods = new Map(
      periodsInRange(params.from, params.to, params.granularity).map((period) => [period, { requests: 0, minutesToFirstQuote: new ValueCollector(), olderThan24h: 0, noQuoteIn24h: 0 }]),
    );
  }

  add(request: RequestFirstQuote): void {
    const totals = this.#periods.get(periodOfInstant(request.createdAt, this.#params.granularity));
    if (!totals) return;
    totals.requests += 1;
    const createdMs = request.createdAt.getTime();
    const waitedMs = request.firstQuoteAt === null ? null : request.firstQuoteAt.getTime() - createdMs;
    if (waitedMs !== null) totals.minutesToFirstQuote.push(waitedMs / 60_000);
    if (createdMs + DAY_MS <= this.#asOfMs) {
      totals.olderThan24h += 1;
      if (waitedMs === null || waitedMs > DAY_MS) totals.noQuoteIn24h += 1;
    }
  }

  rows(): ReportRow[] {
    return [...this.#periods].map(([period, t]) => {
      const [p50, p90] = t.minutesToFirstQuote.percentiles(0.5, 0.9);
      return {
        period: periodLabel(period, this.#params.granularity),
        requests: t.requests,
        answered: t.minutesToFirstQuote.count,
        p50FirstQuoteMinutes: roundTo(p50 ?? null, 1),
        p90FirstQuoteMinutes: roundTo(p90 ?? null, 1),
        requestsOlderThan24h: t.olderThan24h,
        noQuoteIn24h: t.noQuoteIn24h,
        noQuoteIn24hPercent: roundTo(percentOf(t.noQuoteIn24h, t.olderThan24h), 1),
      };
    });
  }
}
