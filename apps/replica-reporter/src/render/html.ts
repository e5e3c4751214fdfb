import type { ColumnType } from '@chucar/domain';
import { allRows } from '../reports/report-rows.ts';
import type { RenderableReport } from './renderable-report.ts';
import { displayValue, kstClock } from './cells.ts';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

const STYLE = `
body{font-family:'Noto Sans KR','Nanum Gothic','Malgun Gothic','Apple SD Gothic Neo',sans-serif;margin:24px;color:#1f2933}
h1{font-size:22px;margin:0 0 8px}
.stamp{display:inline-block;background:#eef6ff;border:1px solid #9cc3f5;border-radius:6px;padding:8px 12px;margin:8px 0 16px;font-size:14px}
.stamp strong{font-size:15px}
.warning{background:#fff4e5;border:1px solid #f5b971;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.method{color:#52606d;font-size:13px;max-width:1100px}
.pair{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;margin:20px 0}
.chart{flex:0 0 auto}
.table{flex:0 1 auto;overflow:auto;max-height:380px}
h2{font-size:17px;margin:28px 0 8px}
.full{overflow:auto}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #d9e2ec;padding:4px 8px;white-space:nowrap}
th{background:#f0f4f8;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}
`;

/**
 * A self-contained page (no script, no external file): the freshness stamp at the top, then each
 * chart as inline SVG with the full table beside it, labels in Korean.
 */
export async function* renderHtml(result: RenderableReport): AsyncGenerator<string> {
  const { header, definition } = result;
  // The charts need every row before the first table line.
  const rows = await allRows(result.rows);
  const { params } = header;
  const filters = Object.entries(params.filters).map(([name, value]) => `${name}: ${value}`).join(', ');
  const granularity = { day: '일별', week: '주별', month: '월별' }[params.granularity];
  let page =
    `<!doctype html>\n<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(`${header.title} ${params.from} ~ ${params.to}`)}</title><style>${STYLE}</style></head><body>\n` +
    `<h1>${escapeHtml(header.title)}</h1>\n` +
    `<div>${escapeHtml(`${params.from} ~ ${params.to} · ${granularity} · 한국 시간(${header.timeZone})${filters ? ` · ${filters}` : ''}`)}</div>\n` +
    `<div class="stamp" data-data-as-of="${escapeHtml(header.dataAsOf)}" data-replica-lag-seconds="${header.replicaLagSeconds}">` +
    `<strong>데이터 기준 시각: ${escapeHtml(kstClock(header.dataAsOf))}</strong> · 복제 지연 ${header.replicaLagSeconds}초 · ` +
    `읽기 전용 복제본에서 생성 ${escapeHtml(kstClock(header.generatedAt))}</div>\n`;
  for (const warning of header.warnings) page += `<div class="warning">⚠ ${escapeHtml(warning)}</div>\n`;
  page += `<p class="method">${escapeHtml(definition.method)}</p>\n`;
  yield page;

  // ECharts is loaded on the first page only: it is most of what the reporter would hold in memory otherwise.
  const { chartPoints, renderChartSvg } = await import('./charts.ts');
  const cell = (value: string | number | null | undefined, type: ColumnType) => `<td${type === 'text' ? '' : ' class="n"'}>${escapeHtml(displayValue(value ?? null, type))}</td>`;
  const columnOf = (key: string) => definition.columns.find((column) => column.key === key) ?? { key, label: key, type: 'decimal' as const };
  for (const chart of definition.charts) {
    // Beside each chart, its own figures: one row per point, the category and each series.
    const { categories, series } = chartPoints(chart, rows);
    const category = columnOf(chart.category);
    const head = [category, ...chart.series.map(columnOf)].map((column) => `<th>${escapeHtml(column.label)}</th>`).join('');
    const body = categories.map((name, index) => `<tr>${cell(name, 'text')}${chart.series.map((key, at) => cell(series[at]![index], columnOf(key).type)).join('')}</tr>`).join('\n');
    const table = `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>\n${body || `<tr><td colspan="${chart.series.length + 1}">해당 기간에 데이터가 없습니다</td></tr>`}\n</tbody></table></div>`;
    yield `<section class="pair"><div class="chart">${renderChartSvg(chart, definition.columns, rows)}</div>${table}</section>\n`;
  }
  // Then every row and column, as in the CSV.
  const head = definition.columns.map((column) => `<th>${escapeHtml(column.label)}</th>`).join('');
  yield `<h2>전체 표</h2>\n<div class="full"><table><thead><tr>${head}</tr></thead><tbody>\n`;
  for (const row of rows) yield `<tr>${definition.columns.map((column) => cell(row[column.key], column.type)).join('')}</tr>\n`;
  if (rows.length === 0) yield `<tr><td colspan="${definition.columns.length}">해당 기간에 데이터가 없습니다</td></tr>\n`;
  yield '</tbody></table></div>\n';
  yield '</body></html>\n';
}
