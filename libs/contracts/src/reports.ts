/** What the replica reporter answers, and the gateway checks, forwards and documents unchanged. */
import { Type, type Static } from 'typebox';
import { CATALOG_CODE_PATTERN, COLUMN_TYPES, GRANULARITIES, REGION_CODES, REPORT_FILTERS, REPORT_NAMES, REPORT_TIME_ZONE } from '@chucar/domain';
import { literals } from './literals.ts';

/** The formats every report is rendered in; `json` is the default. */
export const REPORT_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

export const ReportName = literals(REPORT_NAMES, 'The report');
/** An unknown report name is a bad request (400), like any value outside a parameter's enum. */
export const ReportNameParams = Type.Object({ name: ReportName }, { additionalProperties: false });

const calendarDate = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const catalogCode = (description: string) => Type.String({ pattern: CATALOG_CODE_PATTERN, description });

/** The shape of a report's query; whether the dates exist and the codes are in the catalog, the reporter judges (422). */
export const ReportQuery = Type.Object(
  {
    from: calendarDate('First Korean calendar day (Asia/Seoul), included'),
    to: calendarDate('Last Korean calendar day, included (at most 731 days after from)'),
    granularity: Type.Optional(literals(GRANULARITIES, 'day, ISO week (Monday to Sunday) or month; default day')),
    region: Type.Optional(literals(REGION_CODES, 'Only requests of this region (not for media)')),
    maker: Type.Optional(catalogCode('A maker’s catalog code, e.g. hyundai (not for media)')),
    model: Type.Optional(catalogCode('A model’s catalog code, e.g. grandeur (not for media)')),
    format: Type.Optional(literals(REPORT_FORMATS, 'json (default), csv (UTF-8 with BOM, CRLF, formula-safe), html (a page with SVG charts) or table (text)')),
    maxLag: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400, description: 'Refuse (503 replica_too_stale) if the replica lags more than this many seconds' })),
    bom: Type.Optional(Type.Boolean({ description: 'CSV only: false leaves out the UTF-8 BOM (pipelines); default true (Excel needs it for Korean)' })),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

export const ReportColumn = Type.Object({
  key: Type.String(),
  label: Type.String({ description: 'Korean label, as in the CSV header and the HTML table' }),
  type: literals(COLUMN_TYPES, 'How the value is formatted: percent is already ×100, krw is whole won'),
});

/** `GET /reports`: every report, its filters and columns, and the formats. */
export const ReportList = Type.Object({
  reports: Type.Array(
    Type.Object({
      name: ReportName,
      title: Type.String(),
      summary: Type.String(),
      method: Type.String({ description: 'How each figure is computed' }),
      filters: Type.Array(literals(REPORT_FILTERS)),
      columns: Type.Array(ReportColumn),
    }),
  ),
  formats: Type.Array(literals(REPORT_FORMATS)),
});
export type ReportList = Static<typeof ReportList>;

/** `GET /reports/:name` as JSON: what every format states above its figures, then one object per row. */
export const ReportJson = Type.Object({
  report: ReportName,
  title: Type.String(),
  params: Type.Object({
    from: Type.String(),
    to: Type.String(),
    granularity: literals(GRANULARITIES),
    filters: Type.Object({}, { additionalProperties: Type.String() }),
  }),
  timeZone: Type.Literal(REPORT_TIME_ZONE),
  dataAsOf: Type.String({ format: 'date-time', description: 'The replica holds everything the primary committed up to this instant (its last applied heartbeat)' }),
  replicaLagSeconds: Type.Number({ description: 'The replica’s clock minus dataAsOf, measured just before the report ran' }),
  generatedAt: Type.String({ format: 'date-time' }),
  warnings: Type.Array(Type.String(), { description: 'E.g. the replica lags more than the warning threshold' }),
  columns: Type.Array(ReportColumn),
  rows: Type.Array(Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Null()]) }), { description: 'One object per row, keyed by column key' }),
});
export type ReportJson = Static<typeof ReportJson>;

/**
 * The freshness every format of a report states, also as response headers. A response header is
 * declared by its JSON schema, its description beside the type: @fastify/swagger turns it into an
 * OpenAPI header.
 */
export const reportFreshnessHeaders = {
  'x-data-as-of': Type.String({ format: 'date-time', description: 'dataAsOf of the report (ISO 8601, UTC)' }),
  'x-replica-lag-seconds': Type.Number({ minimum: 0, description: 'replicaLagSeconds of the report' }),
};

/** The bodies of a report run's 200, one per format, for OpenAPI. */
export const reportContent = {
  'application/json': { schema: ReportJson },
  'text/csv': { schema: { type: 'string', description: 'RFC 4180, CRLF, UTF-8 with BOM; line 1 states the report and its freshness' } },
  'text/html': { schema: { type: 'string', description: 'A self-contained page: freshness stamp, SVG charts, tables' } },
  'text/plain': { schema: { type: 'string', description: 'An aligned text table under a freshness line' } },
};
