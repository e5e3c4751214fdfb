/**
 * Which charts a report gets, from its columns alone (the reporter's answer names each column's
 * type): the category axis is its first text column, and each group of numeric columns of one kind
 * (counts, percentages, minutes…) is one chart, since they share a scale.
 */
import type { ColumnType, ReportAnswer } from '../api/reports.ts';
import type { ChartSeries } from '../components/Chart.tsx';

export interface ChartModel {
  title: string;
  kind: 'bar' | 'line';
  categories: string[];
  series: ChartSeries[];
}

const CHARTED: ColumnType[] = ['integer', 'percent', 'krw', 'minutes', 'seconds', 'decimal'];
/** Identifiers and ranks are numbers but not measures. */
const NOT_MEASURES = /(^|[a-z])(Id|id|rank)$/;
const MAX_SERIES = 4;

export function chartsOf(answer: Pick<ReportAnswer, 'columns' | 'rows'>): ChartModel[] {
  const category = answer.columns.find((column) => column.type === 'text');
  if (!category || answer.rows.length === 0) return [];
  const categories = answer.rows.map((row) => String(row[category.key] ?? ''));
  const charts: ChartModel[] = [];
  for (const type of CHARTED) {
    const columns = answer.columns.filter((column) => column.type === type && !NOT_MEASURES.test(column.key)).slice(0, MAX_SERIES);
    if (columns.length === 0) continue;
    charts.push({
      title: columns.map((column) => column.label).join(' · '),
      // Rates and durations read as a trend over periods; counts and amounts as bars.
      kind: (type === 'percent' || type === 'minutes' || type === 'seconds') && category.key === 'period' ? 'line' : 'bar',
      categories,
      series: columns.map((column) => ({ label: column.label, values: answer.rows.map((row) => (typeof row[column.key] === 'number' ? (row[column.key] as number) : null)) })),
    });
  }
  return charts.slice(0, 2);
}
