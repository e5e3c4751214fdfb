import { Type } from 'typebox';
import { GRANULARITIES, REGION_CODES, REPORT_FILTERS, REPORT_NAMES, type ReportColumn } from '@chucar/domain';
import { OUTPUT_FORMATS } from '../render/cells.ts';

const literals = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, Type.Ref('Problem')]));

const Column = Type.Object({
  key: Type.String(),
  label: Type.String({ description: 'Korean label, as in the CSV header and the HTML table' }),
  type: literals(['text', 'integer', 'decimal', 'percent', 'krw', 'minutes', 'seconds'] as const satisfies readonly ReportColumn['type'][]),
});

export const ReportList = Type.Object({
  reports: Type.Array(
    Type.Object({
      name: literals(REPORT_NAMES),
      title: Type.String(),
      summary: Type.String(),
      method: Type.String({ description: 'How each figure is computed' }),
      filters: Type.Array(literals(REPORT_FILTERS)),
      columns: Type.Array(Column),
    }),
  ),
  formats: Type.Array(literals(OUTPUT_FORMATS)),
});

export const ReportParamsSchema = Type.Object({ name: Type.String({ maxLength: 40, description: `One of ${REPORT_NAMES.join(', ')}` }) }, { additionalProperties: false });

const date = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

export const ReportQuery = Type.Object(
  {
    from: date('First Korean calendar day (Asia/Seoul), included'),
    to: date('Last Korean calendar day, included (at most 731 days after from)'),
    granularity: Type.Optional(literals(GRANULARITIES, 'Periods: day, ISO week (Monday to Sunday) or month; default day')),
    region: Type.Optional(literals(REGION_CODES, 'Only requests of this region (not for media)')),
    maker: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,59}$', description: 'A maker’s catalog code, e.g. hyundai (not for media)' })),
    model: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,59}$', description: 'A model’s catalog code, e.g. grandeur (not for media)' })),
    format: Type.Optional(literals(OUTPUT_FORMATS, 'json (default), csv (UTF-8 with BOM, CRLF), html (page with SVG charts) or table (text)')),
    maxLag: Type.Optional(Type.Number({ minimum: 0, description: 'Refuse (503 replica_too_stale) if the replica lags more than this many seconds' })),
    bom: Type.Optional(Type.Boolean({ description: 'CSV only: false omits the UTF-8 BOM (for pipelines); default true' })),
  },
  { additionalProperties: false },
);

const ReportHeaderFields = {
  report: literals(REPORT_NAMES),
  title: Type.String(),
  params: Type.Object({ from: Type.String(), to: Type.String(), granularity: literals(GRANULARITIES), filters: Type.Object({}, { additionalProperties: Type.String() }) }),
  timeZone: Type.Literal('Asia/Seoul'),
  dataAsOf: Type.String({ format: 'date-time', description: 'The replica holds everything the primary committed up to this instant (its last applied heartbeat)' }),
  replicaLagSeconds: Type.Number({ description: 'The replica’s clock minus dataAsOf, measured just before the report ran' }),
  generatedAt: Type.String({ format: 'date-time' }),
  warnings: Type.Array(Type.String(), { description: 'E.g. the replica lags more than the warning threshold' }),
  columns: Type.Array(Column),
};

export const ReportJson = Type.Object({
  ...ReportHeaderFields,
  rows: Type.Array(Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Null()]) }), { description: 'One object per row, keyed by column key' }),
});

/** A response header is declared by its JSON schema, its description beside the type: @fastify/swagger turns it into an OpenAPI header. */
export const freshnessHeaders = {
  'x-data-as-of': Type.String({ format: 'date-time', description: 'dataAsOf of the report (ISO 8601, UTC)' }),
  'x-replica-lag-seconds': Type.Number({ minimum: 0, description: 'replicaLagSeconds of the report' }),
};
