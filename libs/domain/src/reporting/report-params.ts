import { IssueCollector } from '../errors.ts';
import { isRegionCode, type RegionCode } from '../regions.ts';
import { daysInRange, isGranularity, parseCalendarDate, GRANULARITIES, type CalendarDate, type Granularity } from './periods.ts';
import type { ReportDefinition, ReportFilterName } from './report-definitions.ts';

/** Longest range one run may cover: two years of days keeps a day-granularity report readable. */
export const MAX_REPORT_DAYS = 731;
/** A maker's or model's catalog code as a filter takes it; a pattern source, so JSON schemas use the same one. */
export const CATALOG_CODE_PATTERN = '^[a-z0-9][a-z0-9-]{0,59}$';
const catalogCode = new RegExp(CATALOG_CODE_PATTERN);

/** Filters name catalog codes (`hyundai`, `grandeur`), as analysts know them, and a region code. */
export type ReportFilters = { region?: RegionCode; maker?: string; model?: string };

export type ReportParams = { from: CalendarDate; to: CalendarDate; granularity: Granularity; filters: ReportFilters };

export type ReportParamsInput = { from?: unknown; to?: unknown; granularity?: unknown } & Partial<Record<ReportFilterName, unknown>>;

/** Checks a report's inputs, naming every bad one at once (a ValidationError lists them). */
export function parseReportParams(definition: ReportDefinition, input: ReportParamsInput): ReportParams {
  const issues = new IssueCollector();
  const from = parseCalendarDate(input.from);
  const to = parseCalendarDate(input.to);
  issues.check(from !== null, 'from', 'must be a date YYYY-MM-DD (Korean calendar day, from 2000)');
  issues.check(to !== null, 'to', 'must be a date YYYY-MM-DD (Korean calendar day, from 2000)');
  if (from !== null && to !== null) {
    issues.check(from <= to, 'to', 'must not be before from');
    issues.check(from > to || daysInRange(from, to) <= MAX_REPORT_DAYS, 'to', `a report covers at most ${MAX_REPORT_DAYS} days`);
  }
  const granularity = input.granularity ?? 'day';
  issues.check(isGranularity(granularity), 'granularity', `must be one of ${GRANULARITIES.join(', ')}`);

  const filters: ReportFilters = {};
  for (const name of ['region', 'maker', 'model'] as const) {
    const value = input[name];
    if (value === undefined || value === '') continue;
    if (!definition.filters.includes(name)) {
      issues.add(name, `the ${definition.name} report takes no ${name} filter`);
    } else if (name === 'region') {
      if (isRegionCode(value)) filters.region = value;
      else issues.add('region', 'is not a region code (seoul, busan, gyeonggi, …)');
    } else if (typeof value === 'string' && catalogCode.test(value)) {
      filters[name] = value;
    } else {
      issues.add(name, `must be a catalog ${name} code (lower-case letters, digits and -)`);
    }
  }
  issues.throwIfAny();
  return { from: from!, to: to!, granularity: granularity as Granularity, filters };
}
