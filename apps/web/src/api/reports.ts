/**
 * The analysts' reports: run by the replica reporter on the read-only replica and forwarded by the
 * gateway at /v1/reports, typed like every other call from the generated OpenAPI schema. A gateway
 * without a reporter answers 404 (no such route) or 503 (reporter unreachable): the page says so.
 */
import { unwrap, type ApiClient } from './client.ts';
import { ApiProblem, retryAfterSeconds } from './problem.ts';
import type { paths } from './schema';

type RunReport = paths['/v1/reports/{name}']['get'];
type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type ReportName = RunReport['parameters']['path']['name'];
export type Granularity = NonNullable<RunReport['parameters']['query']['granularity']>;
export type ReportAnswer = Json<RunReport['responses'][200]>;
export type ReportSummary = Json<paths['/v1/reports']['get']['responses'][200]>['reports'][number];
export type ReportColumn = ReportAnswer['columns'][number];
/** The reporter's column types: how a value is formatted and charted. */
export type ColumnType = ReportColumn['type'];
export type ReportCell = ReportAnswer['rows'][number][string];

export interface ReportQuery {
  name: ReportName;
  from: string;
  to: string;
  granularity: Granularity;
}

export async function listReports(api: ApiClient): Promise<ReportSummary[]> {
  return (await unwrap(api.client.GET('/v1/reports'))).reports;
}

export async function runReport(api: ApiClient, { name, ...query }: ReportQuery): Promise<ReportAnswer> {
  const answer = await unwrap(api.client.GET('/v1/reports/{name}', { params: { path: { name }, query: { ...query, format: 'json' } } }));
  // The route also answers CSV, HTML and text; JSON was asked for.
  if (typeof answer !== 'object') throw new ApiProblem(502, { title: 'Bad Gateway', detail: 'the report was not answered as JSON' });
  return answer;
}

/** The CSV as the reporter writes it (UTF-8 with BOM, for Excel), and the file name it suggests. */
export async function downloadReportCsv(api: ApiClient, { name, ...query }: ReportQuery): Promise<{ blob: Blob; fileName: string }> {
  let result;
  try {
    result = await api.client.GET('/v1/reports/{name}', { params: { path: { name }, query: { ...query, format: 'csv' } }, parseAs: 'blob' });
  } catch (error) {
    return unwrap(Promise.reject(error));
  }
  const { data, error, response } = result;
  if (!response.ok || !data) throw new ApiProblem(response.status, typeof error === 'object' && error !== null ? error : {}, retryAfterSeconds(response.headers));
  const named = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  return { blob: data, fileName: named ?? `${name}-${query.from}-${query.to}.csv` };
}
