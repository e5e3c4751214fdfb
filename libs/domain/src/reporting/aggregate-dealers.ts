import type { RegionCode } from '../regions.ts';
import { StreamingAggregator } from './period-walk.ts';
import { periodLabel, periodOf } from './periods.ts';
import { percentOf, roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** Requests of one Korean day in one region (what a dealer serving it could have answered). */
export type RegionDay = { day: string; region: RegionCode; requests: number };
/** A dealer's quote on a request of the report's range. */
export type DealerQuote = { dealerId: number; requestCreatedAt: Date; quotedAt: Date; accepted: boolean };
export type DealerInfo = { name: string; regions: readonly RegionCode[] };

/** A dealer's figures in one period, once their quotes there are folded. */
type DealerFigures = { quotes: number; wins: number; medianResponseMinutes: number | null };

/**
 * The leaderboard of each period; a dealer with neither eligible requests nor quotes is left out.
 * Region days come first (a few per day), then quotes sorted by period and dealer (the SQL's
 * ORDER BY): one dealer's response times are held at a time, and a period's leaderboard is handed
 * on when it ends.
 */
export class DealersAggregator extends StreamingAggregator {
  readonly #dealers: ReadonlyMap<number, DealerInfo>;
  readonly #requestsByPeriodRegion = new Map<string, Map<RegionCode, number>>();
  readonly #responseMinutes = new ValueCollector();
  #dealer: { dealerId: number; quotes: number; wins: number } | null = null;
  #finished = new Map<number, DealerFigures>();
  #quotesStarted = false;

  constructor(params: ReportParams, dealers: ReadonlyMap<number, DealerInfo>) {
    super(params, 'dealer quotes');
    this.#dealers = dealers;
  }

  /** Every region day must come before the first quote: a period's leaderboard is written when its quotes end. */
  addRegionDay(day: RegionDay): void {
    if (this.#quotesStarted) throw new Error('region days must all be added before the first dealer quote');
    const period = periodOf(day.day, this.params.granularity);
    let regions = this.#requestsByPeriodRegion.get(period);
    if (!regions) this.#requestsByPeriodRegion.set(period, (regions = new Map()));
    regions.set(day.region, (regions.get(day.region) ?? 0) + Number(day.requests));
  }

  addQuote(quote: DealerQuote): void {
    this.#quotesStarted = true;
    if (!this.enterInstant(quote.requestCreatedAt)) return;
    if (this.#dealer?.dealerId !== quote.dealerId) {
      this.#finishDealer();
      if (this.#finished.has(quote.dealerId)) throw new Error(`dealer quotes arrived out of order: dealer ${quote.dealerId} came back within ${this.openPeriod}`);
      this.#dealer = { dealerId: quote.dealerId, quotes: 0, wins: 0 };
    }
    this.#dealer.quotes += 1;
    if (quote.accepted) this.#dealer.wins += 1;
    this.#responseMinutes.push((quote.quotedAt.getTime() - quote.requestCreatedAt.getTime()) / 60_000);
  }

  #finishDealer(): void {
    if (this.#dealer === null) return;
    const [median] = this.#responseMinutes.percentiles(0.5);
    this.#finished.set(this.#dealer.dealerId, { quotes: this.#dealer.quotes, wins: this.#dealer.wins, medianResponseMinutes: median ?? null });
    this.#responseMinutes.clear();
    this.#dealer = null;
  }

  protected closePeriod(period: string): void {
    this.#finishDealer();
    const quoted = this.#finished;
    this.#finished = new Map();
    const regions = this.#requestsByPeriodRegion.get(period);
    const entries: { dealerId: number; eligible: number; figures: DealerFigures }[] = [];
    const noQuotes: DealerFigures = { quotes: 0, wins: 0, medianResponseMinutes: null };
    for (const [dealerId, dealer] of this.#dealers) {
      const eligible = regions === undefined ? 0 : dealer.regions.reduce((sum, region) => sum + (regions.get(region) ?? 0), 0);
      const figures = quoted.get(dealerId);
      if (eligible > 0 || figures) entries.push({ dealerId, eligible, figures: figures ?? noQuotes });
    }
    // A quote from a dealer no longer in the directory still counts.
    for (const [dealerId, figures] of quoted) if (!this.#dealers.has(dealerId)) entries.push({ dealerId, eligible: 0, figures });
    const ranked = entries.map((entry) => ({
      ...entry,
      responsePercent: percentOf(entry.figures.quotes, Math.max(entry.eligible, entry.figures.quotes)),
      winPercent: percentOf(entry.figures.wins, entry.figures.quotes),
    }));
    // Higher response rate first, then higher win rate, then the quicker dealer; ties by id, so the order is stable.
    ranked.sort(
      (a, b) =>
        (b.responsePercent ?? -1) - (a.responsePercent ?? -1) ||
        (b.winPercent ?? -1) - (a.winPercent ?? -1) ||
        (a.figures.medianResponseMinutes ?? Infinity) - (b.figures.medianResponseMinutes ?? Infinity) ||
        a.dealerId - b.dealerId,
    );
    const label = periodLabel(period, this.params.granularity);
    this.emit(
      ranked.map(
        (entry, index): ReportRow => ({
          period: label,
          rank: index + 1,
          dealerId: entry.dealerId,
          dealer: this.#dealers.get(entry.dealerId)?.name ?? `dealer ${entry.dealerId}`,
          eligibleRequests: entry.eligible,
          quotes: entry.figures.quotes,
          responsePercent: roundTo(entry.responsePercent, 1),
          medianResponseMinutes: roundTo(entry.figures.medianResponseMinutes, 1),
          wins: entry.figures.wins,
          winPercent: roundTo(entry.winPercent, 1),
        }),
      ),
    );
  }

}
