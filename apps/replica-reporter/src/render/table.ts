import { allRows } from '../reports/report-rows.ts';
import type { RenderableReport } from './renderable-report.ts';
import { displayValue, freshnessLine } from './cells.ts';

/** Columns a terminal gives a character: Hangul and other wide characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6);
    width += wide ? 2 : 1;
  }
  return width;
}

function pad(text: string, width: number, alignRight: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return alignRight ? fill + text : text + fill;
}

/** An aligned text table for a terminal, under a `#` line stating the report and its freshness. */
export async function* renderTable(result: RenderableReport): AsyncGenerator<string> {
  const { columns } = result.definition;
  // Column widths need every row: the table is for a terminal, not for large results.
  const cells = (await allRows(result.rows)).map((row) => columns.map((column) => displayValue(row[column.key] ?? null, column.type)));
  const widths = columns.map((column, index) => Math.max(displayWidth(column.label), ...cells.map((line) => displayWidth(line[index]!))));
  const right = columns.map((column) => column.type !== 'text');
  let head = `# ${freshnessLine(result.header)}\n`;
  for (const warning of result.header.warnings) head += `# 경고: ${warning}\n`;
  head += columns.map((column, index) => pad(column.label, widths[index]!, right[index]!)).join('  ') + '\n';
  head += widths.map((width) => '-'.repeat(width)).join('  ') + '\n';
  yield head;
  for (const line of cells) yield line.map((cell, index) => pad(cell, widths[index]!, right[index]!)).join('  ') + '\n';
  if (cells.length === 0) yield '(해당 기간에 데이터가 없습니다)\n';
}
