import * as echarts from 'echarts';
import type { ChartSpec, ReportColumn, ReportRow } from '@chucar/domain';

const CHART_WIDTH = 640;
const CHART_HEIGHT = 360;
/** Categories beyond this many make an unreadable axis; the table beside the chart has them all. */
const MAX_CATEGORIES = 20;
const FONT = "'Noto Sans KR', 'Nanum Gothic', 'Malgun Gothic', 'Apple SD Gothic Neo', sans-serif";

/**
 * A chart's points: one per row when the category is the period, otherwise rows grouped by the
 * category (e.g. model) with each series averaged, weighted by `quotes` where rows carry it,
 * keeping the MAX_CATEGORIES largest by the first series.
 */
export function chartPoints(spec: ChartSpec, rows: readonly ReportRow[]): { categories: string[]; series: (number | null)[][] } {
  const groups = new Map<string, { weight: number; sums: number[]; weights: number[] }>();
  for (const row of rows) {
    const category = String(row[spec.category] ?? '');
    let group = groups.get(category);
    if (!group) groups.set(category, (group = { weight: 0, sums: spec.series.map(() => 0), weights: spec.series.map(() => 0) }));
    const weight = typeof row['quotes'] === 'number' && spec.category !== 'period' ? row['quotes'] : 1;
    spec.series.forEach((key, index) => {
      const value = row[key];
      if (typeof value !== 'number') return;
      group.sums[index]! += value * weight;
      group.weights[index]! += weight;
    });
  }
  let entries = [...groups].map(([category, group]) => ({ category, values: group.sums.map((sum, index) => (group.weights[index]! > 0 ? Math.round((sum / group.weights[index]!) * 100) / 100 : null)) }));
  if (spec.category !== 'period' && entries.length > MAX_CATEGORIES) {
    entries = entries.sort((a, b) => (b.values[0] ?? -Infinity) - (a.values[0] ?? -Infinity)).slice(0, MAX_CATEGORIES);
  }
  return { categories: entries.map((entry) => entry.category), series: spec.series.map((_, index) => entries.map((entry) => entry.values[index] ?? null)) };
}

/** An SVG chart rendered on the server by ECharts' SSR renderer (no canvas, no browser). */
export function renderChartSvg(spec: ChartSpec, columns: readonly ReportColumn[], rows: readonly ReportRow[]): string {
  const { categories, series } = chartPoints(spec, rows);
  const label = (key: string) => columns.find((column) => column.key === key)?.label ?? key;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      title: { text: spec.title, left: 'center', textStyle: { fontSize: 15, fontFamily: FONT } },
      legend: { top: 36, data: spec.series.map(label) },
      grid: { top: 80, left: 60, right: 20, bottom: categories.length > 8 ? 90 : 40 },
      xAxis: { type: 'category', data: categories, axisLabel: { rotate: categories.length > 8 ? 40 : 0 } },
      yAxis: { type: 'value' },
      series: spec.series.map((key, index) => ({ name: label(key), type: spec.kind, data: series[index], connectNulls: false })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
