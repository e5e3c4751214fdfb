import { periodOf, periodsInRange, periodLabel } from './periods.ts';
import { ratioOf, roundTo } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** One Korean day as the volume query groups it. */
export type VolumeDay = { day: string; requests: number; quotes: number };

export function aggregateVolume(params: ReportParams, days: Iterable<VolumeDay>): ReportRow[] {
  const totals = new Map(periodsInRange(params.from, params.to, params.granularity).map((period) => [period, { requests: 0, quotes: 0 }]));
  for (const day of days) {
    const total = totals.get(periodOf(day.day, params.granularity));
    if (!total) continue;
    total.requests += Number(day.requests);
    total.quotes += Number(day.quotes);
  }
  return [...totals].map(([period, { requests, quotes }]) => ({
    period: periodLabel(period, params.granularity),
    requests,
    quotes,
    quotesPerRequest: roundTo(ratioOf(quotes, requests), 2),
  }));
}
