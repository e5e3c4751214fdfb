/**
 * Report periods in Korea's time zone. Korea has kept UTC+9 without daylight saving since 1988,
 * so a fixed offset converts exactly and needs no time-zone database; SQL groups by the same
 * shifted calendar day (`KST_OFFSET_HOURS`), and these functions roll days up into weeks and months.
 */
export const REPORT_TIME_ZONE = 'Asia/Seoul';
export const KST_OFFSET_HOURS = 9;
const KST_OFFSET_MS = KST_OFFSET_HOURS * 3_600_000;
const DAY_MS = 86_400_000;

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A calendar date in Korea, `YYYY-MM-DD`. */
export type CalendarDate = string;

export function isGranularity(value: unknown): value is Granularity {
  return typeof value === 'string' && (GRANULARITIES as readonly string[]).includes(value);
}

/** The date if `text` is a real `YYYY-MM-DD` calendar date (2026-02-30 is not), else null. */
export function parseCalendarDate(text: unknown): CalendarDate | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 2000 || year > 2999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return text;
}

function utcDateOf(day: CalendarDate): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date));
}

function formatUtcDate(date: Date): CalendarDate {
  return date.toISOString().slice(0, 10);
}

/** The Korean calendar day an instant falls on. */
export function kstDayOf(instant: Date): CalendarDate {
  return formatUtcDate(new Date(instant.getTime() + KST_OFFSET_MS));
}

/** The instant a Korean calendar day begins (15:00 UTC the day before). */
export function kstDayStart(day: CalendarDate): Date {
  return new Date(utcDateOf(day).getTime() - KST_OFFSET_MS);
}

export function addCalendarDays(day: CalendarDate, days: number): CalendarDate {
  return formatUtcDate(new Date(utcDateOf(day).getTime() + days * DAY_MS));
}

/** Days from `from` to `to`, both included. */
export function daysInRange(from: CalendarDate, to: CalendarDate): number {
  return Math.round((utcDateOf(to).getTime() - utcDateOf(from).getTime()) / DAY_MS) + 1;
}

/** The UTC instants a report over Korean days `from`..`to` (inclusive) covers: [start, end). */
export function kstRangeInstants(from: CalendarDate, to: CalendarDate): { start: Date; end: Date } {
  return { start: kstDayStart(from), end: kstDayStart(addCalendarDays(to, 1)) };
}

/**
 * The period a Korean day belongs to: the day itself, the Monday of its ISO week (weeks run
 * Monday to Sunday), or `YYYY-MM`. The first and last period of a range may be partial.
 */
export function periodOf(day: CalendarDate, granularity: Granularity): string {
  if (granularity === 'day') return day;
  if (granularity === 'month') return day.slice(0, 7);
  const weekday = (utcDateOf(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addCalendarDays(day, -weekday);
}

/** Periods by Korean day number, per granularity: reports ask for the same few hundred days millions of times. */
const periodsByDayNumber: Record<Granularity, Map<number, string>> = { day: new Map(), week: new Map(), month: new Map() };
const PERIOD_CACHE_MAX = 20_000;

/** The period an instant belongs to, in Korea's time zone (called once per row a report reads). */
export function periodOfInstant(instant: Date, granularity: Granularity): string {
  const dayNumber = Math.floor((instant.getTime() + KST_OFFSET_MS) / DAY_MS);
  const cache = periodsByDayNumber[granularity];
  let period = cache.get(dayNumber);
  if (period === undefined) {
    if (cache.size >= PERIOD_CACHE_MAX) cache.clear();
    period = periodOf(kstDayOf(instant), granularity);
    cache.set(dayNumber, period);
  }
  return period;
}

/** Every period touching `from`..`to`, in order: reports list empty periods too, with zeros. */
export function periodsInRange(from: CalendarDate, to: CalendarDate, granularity: Granularity): string[] {
  const periods: string[] = [];
  for (let day = from; day <= to; day = addCalendarDays(day, 1)) {
    const period = periodOf(day, granularity);
    if (periods[periods.length - 1] !== period) periods.push(period);
  }
  return periods;
}

/** How a period reads in a table or a chart axis, in Korean. */
export function periodLabel(period: string, granularity: Granularity): string {
  if (granularity === 'week') return `${period} 주`;
  return period;
}
