import type { RegionCode } from '../regions.ts';
import { periodLabel, periodOf, periodOfInstant } from './periods.ts';
import { percentOf, roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** Requests of one Korean day in one region (what a dealer serving it could have answered). */
export type RegionDay = { day: string; region: RegionCode; requests: number };
/** A dealer's quote on a request of the report's range. */
export type DealerQuote = { dealerId: number; requestCreatedAt: Date; quotedAt: Date; accepted: boolean };
export type DealerInfo = { name: string; regions: readonly RegionCode[] };

type Totals = { eligible: number; quotes: number; wins: number; responseMinutes: ValueCollector };

/** The leaderboard of each period; a dealer with neither eligible requests nor quotes is left out. */
export class DealersAggregator {
  readonly #params: ReportParams;
  readonly #requestsByPeriodRegion = new Map<string, Map<RegionCode, number>>();
  readonly #byPeriodDealer = new Map<string, Map<number, Totals>>();

  constructor(params: ReportParams) {
    this.#params = params;
  }

  addRegionDay(day: RegionDay): void {
    const period = periodOf(day.day, this.#params.granularity);
    let regions = this.#requestsByPeriodRegion.get(period);
    if (!regions) this.#requestsByPeriodRegion.set(period, (regions = new Map()));
    regions.set(day.region, (regions.get(day.region) ?? 0) + Number(day.requests));
  }

  addQuote(quote: DealerQuote): void {
    const totals = this.#totals(periodOfInstant(quote.requestCreatedAt, this.#params.granularity), quote.dealerId);
    totals.quotes += 1;
    if (quote.accepted) totals.wins += 1;
    totals.responseMinutes.push((quote.quotedAt.getTime() - quote.requestCreatedAt.getTime()) / 60_000);
  }

  #totals(period: string, dealerId: number): Totals {
    let dealers = this.#byPeriodDealer.get(period);
    if (!dealers) this.#byPeriodDealer.set(period, (dealers = new Map()));
    let totals = dealers.get(dealerId);
    if (!totals) dealers.set(dealerId, (totals = { eligible: 0, quotes: 0, wins: 0, responseMinutes: new ValueCollector() }));
    return totals;
  }

  rows(dealers: ReadonlyMap<number, DealerInfo>): ReportRow[] {
    for (const [period, regions] of this.#requestsByPeriodRegion) {
      for (const [dealerId, dealer] of dealers) {
        const eligible = dealer.regions.reduce((sum, region) => sum + (regions.get(region) ?? 0), 0);
        if (eligible > 0) this.#totals(period, dealerId).eligible = eligible;
      }
    }
    const rows: ReportRow[] = [];
    for (const period of [...this.#byPeriodDealer.keys()].sort()) {
      const ranked = [...this.#byPeriodDealer.get(period)!].map(([dealerId, t]) => {
        const [median] = t.responseMinutes.percentiles(0.5);
        return {
          dealerId,
          responsePercent: percentOf(t.quotes, Math.max(t.eligible, t.quotes)),
          winPercent: percentOf(t.wins, t.quotes),
          medianResponseMinutes: median ?? null,
          totals: t,
        };
      });
      // Higher response rate first, then higher win rate, then the quicker dealer; ties by id, so the order is stable.
      ranked.sort(
        (a, b) =>
          (b.responsePercent ?? -1) - (a.responsePercent ?? -1) ||
          (b.winPercent ?? -1) - (a.winPercent ?? -1) ||
          (a.medianResponseMinutes ?? Infinity) - (b.medianResponseMinutes ?? Infinity) ||
          a.dealerId - b.dealerId,
      );
      ranked.forEach((entry, index) => {
        rows.push({
          period: periodLabel(period, this.#params.granularity),
          rank: index + 1,
          dealerId: entry.dealerId,
          dealer: dealers.get(entry.dealerId)?.name ?? `dealer ${entry.dealerId}`,
          eligibleRequests: entry.totals.eligible,
          quotes: entry.totals.quotes,
          responsePercent: roundTo(entry.responsePercent, 1),
          medianResponseMinutes: roundTo(entry.medianResponseMinutes, 1),
          wins: entry.totals.wins,
          winPercent: roundTo(entry.winPercent, 1),
        });
      });
    }
    return rows;
  }
}
