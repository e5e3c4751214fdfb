import type { RenderableReport } from './renderable-report.ts';
import { freshnessLine } from './cells.ts';

const BOM = '\uFEFF';
const CRLF = '\r\n';

/**
 * A text cell that Excel or Sheets would run as a formula (=, +, -, @, or a leading tab or CR)
 * gets a leading apostrophe (OWASP's CSV-injection advice). Numbers are written as numbers and
 * never touched, so -3 stays a number.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: a field with a quote, comma, CR or LF is quoted, quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV, CRLF line ends, UTF-8 with a BOM unless `bom` is false (Excel reads Korean text right only
 * with it). Line 1 states the report and its freshness (`dataAsOf`, `replicaLagSeconds`), warnings
 * follow as `# 경고:` lines, then the header row in Korean and one line per row.
 */
export async function* renderCsv(result: RenderableReport, options: { bom: boolean }): AsyncGenerator<string> {
  let head = options.bom ? BOM : '';
  head += csvField(`# ${freshnessLine(result.header)}`) + CRLF;
  for (const warning of result.header.warnings) head += csvField(`# 경고: ${warning}`) + CRLF;
  head += result.definition.columns.map((column) => csvField(column.label)).join(',') + CRLF;
  yield head;
  for await (const row of result.rows) {
    yield result.definition.columns.map((column) => csvField(row[column.key])).join(',') + CRLF;
  }
}
