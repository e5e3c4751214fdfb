import { REGIONS, type RegionCode } from '../regions.ts';
import { StreamingAggregator } from './period-walk.ts';
import { periodLabel } from './periods.ts';
import { roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** One quote with its request's car, region and list price. */
export type QuotedPrice = { requestCreatedAt: Date; trimId: number; region: RegionCode; listPriceKrw: number; discountKrw: number };

/** Korean names of the catalog, by trim: the rows name cars as analysts read them. */
export type TrimNames = ReadonlyMap<number, { maker: string; model: string; trim: string }>;

/** One collator for every comparison: `localeCompare(…, 'ko')` builds one per call. */
const koreanOrder = new Intl.Collator('ko');

const regionRank = new Map(
  (Object.keys(REGIONS) as RegionCode[]).sort((a, b) => koreanOrder.compare(REGIONS[a], REGIONS[b])).map((region, index) => [region, index]),
);

/** A finished (trim, region) group of one period: its figures, not its values. */
type GroupFigures = { trimId: number; region: RegionCode; quotes: number; averageKrw: number | null; medianKrw: number | null; averagePercent: number | null; medianPercent: number | null };

/**
 * Average and median discount by period, car and region. Quotes must arrive sorted by period,
 * then trim, then region (the SQL's ORDER BY): only the open group's discounts are held, and a
 * period's rows are handed on when it ends, so memory does not grow with the replica's data.
 */
export class PricesAggregator extends StreamingAggregator {
  readonly #names: TrimNames;
  readonly #discountsKrw = new ValueCollector();
  readonly #discountPercents = new ValueCollector();
  #group: { trimId: number; region: RegionCode } | null = null;
  /** Groups finished in the open period, and their keys, to catch rows that were not sorted. */
  #finished: GroupFigures[] = [];
  readonly #finishedKeys = new Set<string>();

  constructor(params: ReportParams, names: TrimNames) {
    super(params, 'quoted prices');
    this.#names = names;
  }

  add(quote: QuotedPrice): void {
    if (!this.enterInstant(quote.requestCreatedAt)) return;
    const group = this.#group;
    if (group === null || group.trimId !== quote.trimId || group.region !== quote.region) {
      this.#finishGroup();
      const key = `${quote.trimId}:${quote.region}`;
      if (this.#finishedKeys.has(key)) throw new Error(`quoted prices arrived out of order: trim ${quote.trimId} in ${quote.region} came back within ${this.openPeriod}`);
      this.#finishedKeys.add(key);
      this.#group = { trimId: quote.trimId, region: quote.region };
    }
    this.#discountsKrw.push(Number(quote.discountKrw));
    this.#discountPercents.push((Number(quote.discountKrw) / Number(quote.listPriceKrw)) * 100);
  }

  #finishGroup(): void {
    if (this.#group === null) return;
    const [medianKrw] = this.#discountsKrw.percentiles(0.5);
    const [medianPercent] = this.#discountPercents.percentiles(0.5);
    this.#finished.push({
      ...this.#group,
      quotes: this.#discountsKrw.count,
      averageKrw: this.#discountsKrw.mean(),
      medianKrw: medianKrw ?? null,
      averagePercent: this.#discountPercents.mean(),
      medianPercent: medianPercent ?? null,
    });
    this.#discountsKrw.clear();
    this.#discountPercents.clear();
    this.#group = null;
  }

  #nameOf(trimId: number) {
    return this.#names.get(trimId) ?? { maker: '?', model: '?', trim: `trim ${trimId}` };
  }

  /** The period's groups in Korean order of maker, model, trim, then region. */
  protected closePeriod(period: string): void {
    this.#finishGroup();
    const groups = this.#finished;
    this.#finished = [];
    this.#finishedKeys.clear();
    // Cars are ranked once per period in Korean order; groups then sort by numbers (thousands of rows a period).
    const trimRank = new Map(
      [...new Set(groups.map((group) => group.trimId))]
        .sort((a, b) => {
          const [x, y] = [this.#nameOf(a), this.#nameOf(b)];
          return koreanOrder.compare(x.maker, y.maker) || koreanOrder.compare(x.model, y.model) || koreanOrder.compare(x.trim, y.trim) || a - b;
        })
        .map((trimId, index) => [trimId, index]),
    );
    groups.sort((a, b) => trimRank.get(a.trimId)! - trimRank.get(b.trimId)! || (regionRank.get(a.region) ?? Infinity) - (regionRank.get(b.region) ?? Infinity));
    const label = periodLabel(period, this.params.granularity);
    this.emit(
      groups.map((group): ReportRow => {
        const name = this.#nameOf(group.trimId);
        return {
          period: label,
          maker: name.maker,
          model: name.model,
          trim: name.trim,
          region: REGIONS[group.region] ?? group.region,
          quotes: group.quotes,
          averageDiscountKrw: roundTo(group.averageKrw, 0),
          medianDiscountKrw: roundTo(group.medianKrw, 0),
          averageDiscountPercent: roundTo(group.averagePercent, 2),
          medianDiscountPercent: roundTo(group.medianPercent, 2),
        };
      }),
    );
  }

}
