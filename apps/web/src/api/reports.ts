/**
 * The analysts' reports, run by the replica reporter and forwarded by the gateway at /v1/reports.
 * Until the gateway's OpenAPI document describes those routes, their answers are checked here at
 * run time (the shape the reporter documents: header fields, columns, rows) rather than typed from
 * the generated schema; a 404 or 503 from a gateway without them is shown as "not available yet".
 */
import { rawCall, type ApiClient } from './client.ts';

export type Granularity = 'day' | 'week' | 'month';
export type ColumnType = 'text' | 'integer' | 'decimal' | 'percent' | 'krw' | 'minutes' | 'seconds';
export interface ReportColumn {
  key: string;
  label: string;
  type: ColumnType;
}
export interface ReportSummary {
  name: string;
  title: string;
  summary: string;
}
export type ReportCell = string | number | null;
export interface ReportAnswer {
  report: string;
  title: string;
  dataAsOf: string;
  replicaLagSeconds: number;
  warnings: string[];
  columns: ReportColumn[];
  rows: Record<string, ReportCell>[];
}
export interface ReportQuery {
  name: string;
  from: string;
  to: string;
  granularity: Granularity;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

function asColumns(value: unknown): ReportColumn[] {
  if (!Array.isArray(value)) throw new TypeError('the report has no columns');
  return value.filter(isObject).map((column) => ({ key: String(column['key']), label: String(column['label'] ?? column['key']), type: String(column['type'] ?? 'text') as ColumnType }));
}

export function parseReportList(body: unknown): ReportSummary[] {
  const list = isObject(body) && Array.isArray(body['reports']) ? body['reports'] : Array.isArray(body) ? body : [];
  return list.filter(isObject).map((report) => ({ name: String(report['name']), title: String(report['title'] ?? report['name']), summary: String(report['summary'] ?? '') }));
}

export function parseReport(body: unknown): ReportAnswer {
  if (!isObject(body)) throw new TypeError('the report answer is not an object');
  return {
    report: String(body['report'] ?? ''),
    title: String(body['title'] ?? body['report'] ?? ''),
    dataAsOf: String(body['dataAsOf'] ?? ''),
    replicaLagSeconds: Number(body['replicaLagSeconds'] ?? 0),
    warnings: Array.isArray(body['warnings']) ? body['warnings'].map(String) : [],
    columns: asColumns(body['columns']),
    rows: Array.isArray(body['rows']) ? (body['rows'].filter(isObject) as Record<string, ReportCell>[]) : [],
  };
}

function queryString(query: ReportQuery, format: 'json' | 'csv'): string {
  return new URLSearchParams({ from: query.from, to: query.to, granularity: query.granularity, format }).toString();
}

export async function listReports(api: ApiClient): Promise<ReportSummary[]> {
  const response = await rawCall(api, '/v1/reports', { headers: { accept: 'application/json' } });
  return parseReportList(await response.json());
}

export async function runReport(api: ApiClient, query: ReportQuery): Promise<ReportAnswer> {
  const response = await rawCall(api, `/v1/reports/${encodeURIComponent(query.name)}?${queryString(query, 'json')}`, { headers: { accept: 'application/json' } });
  return parseReport(await response.json());
}

/** The CSV as the reporter writes it (UTF-8 with BOM, for Excel), and the file name it suggests. */
export async function downloadReportCsv(api: ApiClient, query: ReportQuery): Promise<{ blob: Blob; fileName: string }> {
  const response = await rawCall(api, `/v1/reports/${encodeURIComponent(query.name)}?${queryString(query, 'csv')}`, { headers: { accept: 'text/csv' } });
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  return { blob: await response.blob(), fileName: named ?? `${query.name}-${query.from}-${query.to}.csv` };
}
