/**
 * When things happen: an hourly demand curve over the window before `now` (month, weekday
 * and hour-of-day factors in KST, plus growth), sampled by its inverse CDF.
 */
import { HOUR_FACTOR, MONTH_FACTOR, WEEKDAY_FACTOR } from './demo-vocabulary.ts';
import { cumulativeSums, upperBound } from './prng.ts';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
const KST_OFFSET_MS = 9 * HOUR_MS;

export type Timeline = {
  startMs: number;
  endMs: number;
  /** The instant at quantile `u` in [0, 1) of the demand curve; increasing in `u`. */
  at(u: number): number;
};

/** The platform grew during the year: the oldest day sees 60 % of today's demand. */
const GROWTH_AT_START = 0.6;

export function demandTimeline(nowMs: number, days: number): Timeline {
  const hours = days * 24;
  const startMs = nowMs - days * DAY_MS;
  const weights: number[] = [];
  for (let hour = 0; hour < hours; hour += 1) {
    const kst = new Date(startMs + hour * HOUR_MS + HOUR_MS / 2 + KST_OFFSET_MS);
    const growth = GROWTH_AT_START + (1 - GROWTH_AT_START) * (hour / hours);
    weights.push(
      (MONTH_FACTOR[kst.getUTCMonth()] ?? 1) * (WEEKDAY_FACTOR[kst.getUTCDay()] ?? 1) * (HOUR_FACTOR[kst.getUTCHours()] ?? 1) * growth,
    );
  }
  const cumulative = cumulativeSums(weights);
  const total = cumulative[cumulative.length - 1] ?? 1;
  return {
    startMs,
    endMs: nowMs,
    at(u) {
      const target = u * total;
      const slot = upperBound(cumulative, target);
      const before = slot === 0 ? 0 : (cumulative[slot - 1] ?? 0);
      const within = (target - before) / ((cumulative[slot] ?? total) - before || 1);
      return Math.min(startMs + (slot + Math.min(Math.max(within, 0), 0.999_999)) * HOUR_MS, nowMs - 1);
    },
  };
}

/**
 * The i-th of n instants, stratified: one uniform draw inside each 1/n slice of the curve,
 * so the instants increase with i (ids ascend with created_at) yet follow the curve.
 */
export function stratifiedInstant(timeline: Timeline, index: number, count: number, jitter: number): number {
  return Math.floor(timeline.at((index + jitter) / count));
}
