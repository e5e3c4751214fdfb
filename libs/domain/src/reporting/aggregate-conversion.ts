import { periodLabel, periodOf, periodsInRange } from './periods.ts';
import { percentOf, roundTo } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** One Korean day of requests by effective status (an overdue open request is expired). */
export type ConversionDay = { day: string; requests: number; accepted: number; cancelled: number; expired: number };

export function aggregateConversion(params: ReportParams, days: Iterable<ConversionDay>): ReportRow[] {
  const empty = () => ({ requests: 0, accepted: 0, cancelled: 0, expired: 0 });
  const totals = new Map(periodsInRange(params.from, params.to, params.granularity).map((period) => [period, empty()]));
  for (const day of days) {
    const total = totals.get(periodOf(day.day, params.granularity));
    if (!total) continue;
    total.requests += Number(day.requests);
    total.accepted += Number(day.accepted);
    total.cancelled += Number(day.cancelled);
    total.expired += Number(day.expired);
  }
  return [...totals].map(([period, t]) => ({
    period: periodLabel(period, params.granularity),
    requests: t.requests,
    accepted: t.accepted,
    cancelled: t.cancelled,
    expired: t.expired,
    open: t.requests - t.accepted - t.cancelled - t.expired,
    acceptancePercent: roundTo(percentOf(t.accepted, t.requests), 1),
    cancellationPercent: roundTo(percentOf(t.cancelled, t.requests), 1),
    expiryPercent: roundTo(percentOf(t.expired, t.requests), 1),
  }));
}
