/**
 * The README's benchmark table, written from bench/results/latest.json between two marker lines,
 * so the figures there are the last run's and never copied by hand.
 */
import type { ResultRow, Results } from './results-file.ts';

export const TABLE_START = '<!-- bench-table:start (npm run bench:readme writes this table from bench/results/latest.json) -->';
export const TABLE_END = '<!-- bench-table:end -->';

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** A figure with its unit: 1,576.5 ms; thousands grouped, at most three decimals. */
export function figure(value: number | null, unit: string): string {
  if (value === null) return '–';
  return `${numberFormat.format(value)} ${unit}`;
}

/** Markdown cell text: a pipe would end the cell, a line break the row. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function rowLine(row: ResultRow): string {
  const cells = [row.bench, row.name, figure(row.value, row.unit), row.baseline === null ? '–' : figure(row.baseline, row.unit), row.ratio === null ? '–' : `${row.ratio.toFixed(2)}x`, row.at.slice(0, 16).replace('T', ' '), row.note ?? ''];
  return `| ${cells.map(cell).join(' | ')} |`;
}

/** The table, benches in name order, each bench's rows in the order it printed them. */
export function renderBenchTable(results: Results): string {
  const benches = [...new Set(results.rows.map((row) => row.bench))].sort();
  const lines = ['| bench | figure | value | baseline | ratio | run (UTC) | note |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const bench of benches) lines.push(...results.rows.filter((row) => row.bench === bench).map(rowLine));
  if (results.rows.length === 0) lines.push('| – | no benchmark has run on this machine yet | | | | | |');
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by `table`; the markers must each appear once. */
export function replaceBenchTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < 0 || end < start || readme.indexOf(TABLE_START, start + 1) >= 0 || readme.indexOf(TABLE_END, end + 1) >= 0) {
    throw new Error(`README.md must hold the line ${TABLE_START} once, then ${TABLE_END} once`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
