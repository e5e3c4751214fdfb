import type { ReportFormat } from '@chucar/contracts';
import { renderCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import type { RenderableReport } from './renderable-report.ts';
import { renderTable } from './table.ts';

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  table: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export const FILE_EXTENSIONS: Record<ReportFormat, string> = { table: 'txt', csv: 'csv', json: 'json', html: 'html' };

/** The report in `format`, as chunks to write as they come. */
export function renderReport(result: RenderableReport, format: ReportFormat, options: { bom: boolean }): AsyncGenerator<string> {
  switch (format) {
    case 'csv':
      return renderCsv(result, options);
    case 'json':
      return renderJson(result);
    case 'html':
      return renderHtml(result);
    case 'table':
      return renderTable(result);
  }
}
