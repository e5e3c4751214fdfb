import { REGIONS, type RegionCode } from '../regions.ts';
import { periodLabel, periodOfInstant } from './periods.ts';
import { roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** One quote with its request's car, region and list price. */
export type QuotedPrice = { requestCreatedAt: Date; trimId: number; region: RegionCode; listPriceKrw: number; discountKrw: number };

/** Korean names of the catalog, by trim: the rows name cars as analysts read them. */
export type TrimNames = ReadonlyMap<number, { maker: string; model: string; trim: string }>;

/** One collator for every comparison: `localeCompare(…, 'ko')` builds one per call. */
const koreanOrder = new Intl.Collator('ko');

function rankBy<T>(values: T[], compare: (a: T, b: T) => number): Map<T, number> {
  return new Map(values.sort(compare).map((value, index) => [value, index]));
}

type Group = { period: string; trimId: number; region: RegionCode; discountsKrw: ValueCollector; discountPercents: ValueCollector };

export class PricesAggregator {
  readonly #params: ReportParams;
  /** Period → trim → region: nested maps, so a row read builds no key string. */
  readonly #groups = new Map<string, Map<number, Map<RegionCode, Group>>>();

  constructor(params: ReportParams) {
    this.#params = params;
  }

  add(quote: QuotedPrice): void {
    const period = periodOfInstant(quote.requestCreatedAt, this.#params.granularity);
    let trims = this.#groups.get(period);
    if (!trims) this.#groups.set(period, (trims = new Map()));
    let regions = trims.get(quote.trimId);
    if (!regions) trims.set(quote.trimId, (regions = new Map()));
    let group = regions.get(quote.region);
    if (!group) {
      group = { period, trimId: quote.trimId, region: quote.region, discountsKrw: new ValueCollector(), discountPercents: new ValueCollector() };
      regions.set(quote.region, group);
    }
    group.discountsKrw.push(Number(quote.discountKrw));
    group.discountPercents.push((Number(quote.discountKrw) / Number(quote.listPriceKrw)) * 100);
  }

  rows(names: TrimNames): ReportRow[] {
    const nameOf = (trimId: number) => names.get(trimId) ?? { maker: '?', model: '?', trim: `trim ${trimId}` };
    // Cars and regions are ranked once in Korean order; rows then sort by numbers (16,000 rows at 100,000 requests).
    const trimRank = rankBy([...new Set([...this.#groups.values()].flatMap((trims) => [...trims.keys()]))], (a, b) => {
      const [x, y] = [nameOf(a), nameOf(b)];
      return koreanOrder.compare(x.maker, y.maker) || koreanOrder.compare(x.model, y.model) || koreanOrder.compare(x.trim, y.trim) || a - b;
    });
    const regionRank = rankBy(Object.keys(REGIONS) as RegionCode[], (a, b) => koreanOrder.compare(REGIONS[a], REGIONS[b]));
    const groups = [...this.#groups.values()].flatMap((trims) => [...trims.values()].flatMap((regions) => [...regions.values()]));
    groups.sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0) || trimRank.get(a.trimId)! - trimRank.get(b.trimId)! || regionRank.get(a.region)! - regionRank.get(b.region)!);
    return groups.map((group) => {
      const name = nameOf(group.trimId);
      const [medianKrw] = group.discountsKrw.percentiles(0.5);
      const [medianPercent] = group.discountPercents.percentiles(0.5);
      return {
        period: periodLabel(group.period, this.#params.granularity),
        maker: name.maker,
        model: name.model,
        trim: name.trim,
        region: REGIONS[group.region] ?? group.region,
        quotes: group.discountsKrw.count,
        averageDiscountKrw: roundTo(group.discountsKrw.mean(), 0),
        medianDiscountKrw: roundTo(medianKrw ?? null, 0),
        averageDiscountPercent: roundTo(group.discountPercents.mean(), 2),
        medianDiscountPercent: roundTo(medianPercent ?? null, 2),
      };
    });
  }
}
