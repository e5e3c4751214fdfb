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

type Group = { period: string; trimId: number; region: RegionCode; discountsKrw: ValueCollector; discountPercents: ValueCollector };

export class PricesAggregator {
  readonly #params: ReportParams;
  readonly #groups = new Map<string, Group>();

  constructor(params: ReportParams) {
    this.#params = params;
  }

  add(quote: QuotedPrice): void {
    const period = periodOfInstant(quote.requestCreatedAt, this.#params.granularity);
    const key = `${period}|${quote.trimId}|${quote.region}`;
    let group = this.#groups.get(key);
    if (!group) {
      group = { period, trimId: quote.trimId, region: quote.region, discountsKrw: new ValueCollector(), discountPercents: new ValueCollector() };
      this.#groups.set(key, group);
    }
    group.discountsKrw.push(Number(quote.discountKrw));
    group.discountPercents.push((Number(quote.discountKrw) / Number(quote.listPriceKrw)) * 100);
  }

  rows(names: TrimNames): ReportRow[] {
    const rows = [...this.#groups.values()].map((group) => {
      const name = names.get(group.trimId) ?? { maker: '?', model: '?', trim: `trim ${group.trimId}` };
      const [medianKrw] = group.discountsKrw.percentiles(0.5);
      const [medianPercent] = group.discountPercents.percentiles(0.5);
      return {
        period: group.period,
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
    const text = (row: ReportRow, key: string) => String(row[key]);
    rows.sort((a, b) => {
      for (const key of ['period', 'maker', 'model', 'trim', 'region']) {
        const order = koreanOrder.compare(text(a, key), text(b, key));
        if (order !== 0) return order;
      }
      return 0;
    });
    return rows.map((row) => ({ ...row, period: periodLabel(row.period, this.#params.granularity) }));
  }
}
