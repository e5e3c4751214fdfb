import replyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { GRANULARITIES, REGION_CODES, REPORT_FILTERS, REPORT_NAMES } from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';
import { readLagBoundHeader, readSourceHeader } from '../../plugins/request-context.ts';
import { literals, problems } from './schemas.ts';
import { MAX_CONNECT_TIMEOUT_MS, decodableUrl, isForwardTimeout, serviceRequestHeaders } from './service-forwarding.ts';

/**
 * `/v1/reports` and `/v1/reports/:name`: the gateway authenticates (analysts and admins), checks
 * the query against the same schema as the reporter, and forwards to the replica reporter with a
 * one-minute service token. It never computes a statistic; the reporter's answers (CSV, JSON,
 * HTML, problem+json) stream back as they are.
 */
export type ReporterServiceSettings = {
  /** Base URL of the replica reporter; `/v1/reports…` is forwarded as `/reports…`. */
  url: string;
  /** Connecting, and each wait for the reporter's next bytes. */
  timeoutMs: number;
  /** Signs the service tokens the reporter checks (its REPORTER_SERVICE_SECRET). */
  secret: string;
};

const REPORTER_AUDIENCE = 'replica-reporter';
const RETRY_AFTER_S = '10';
const bearer = [{ bearerAuth: [] }];
const catalogCode = (description: string) => Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,59}$', description });
const date = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

const ReportQuery = Type.Object(
  {
    from: date('First Korean calendar day (Asia/Seoul), included'),
    to: date('Last Korean calendar day, included (at most 731 days after from)'),
    granularity: Type.Optional(literals(GRANULARITIES, 'day, ISO week (Monday to Sunday) or month; default day')),
    region: Type.Optional(literals(REGION_CODES, 'Only requests of this region (not for media)')),
    maker: Type.Optional(catalogCode('A maker’s catalog code, e.g. hyundai (not for media)')),
    model: Type.Optional(catalogCode('A model’s catalog code, e.g. grandeur (not for media)')),
    format: Type.Optional(literals(['json', 'csv', 'html', 'table'] as const, 'json (default), csv (UTF-8 with BOM, CRLF, formula-safe), html (a page with SVG charts) or table (text)')),
    maxLag: Type.Optional(Type.Number({ minimum: 0, maximum: 86_400, description: 'Refuse (503 replica_too_stale) if the replica lags more than this many seconds' })),
    bom: Type.Optional(Type.Boolean({ description: 'CSV only: false leaves out the UTF-8 BOM (pipelines); default true (Excel needs it for Korean)' })),
  },
  { additionalProperties: false },
);

const ReportName = Type.Object({ name: literals(REPORT_NAMES, 'The report') }, { additionalProperties: false });

const Column = Type.Object({ key: Type.String(), label: Type.String({ description: 'Korean label' }), type: Type.String() });
const ReportList = Type.Object({
  reports: Type.Array(Type.Object({ name: literals(REPORT_NAMES), title: Type.String(), summary: Type.String(), method: Type.String(), filters: Type.Array(literals(REPORT_FILTERS)), columns: Type.Array(Column) })),
  formats: Type.Array(Type.String()),
});
const ReportJson = Type.Object({
  report: literals(REPORT_NAMES),
  title: Type.String(),
  params: Type.Object({ from: Type.String(), to: Type.String(), granularity: literals(GRANULARITIES), filters: Type.Object({}, { additionalProperties: Type.String() }) }),
  timeZone: Type.Literal('Asia/Seoul'),
  dataAsOf: Type.String({ format: 'date-time', description: 'The replica held everything the primary committed up to this instant' }),
  replicaLagSeconds: Type.Number(),
  generatedAt: Type.String({ format: 'date-time' }),
  warnings: Type.Array(Type.String()),
  columns: Type.Array(Column),
  rows: Type.Array(Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Null()]) })),
});
/** A response header is declared by its JSON schema, its description beside the type: @fastify/swagger turns it into an OpenAPI header. */
const freshnessHeaders = {
  'x-data-as-of': Type.String({ format: 'date-time', description: 'dataAsOf of the report (ISO 8601, UTC)' }),
  'x-replica-lag-seconds': Type.Number({ minimum: 0, description: 'replicaLagSeconds of the report' }),
};

const REPORT_DESCRIPTION =
  'Statistics for analysts and admins, computed by the replica reporter on the read-only replica only (the live service is never ' +
  'queried), with Korean days, ISO weeks or months. Every format states `dataAsOf` and `replicaLagSeconds`: JSON fields, the ' +
  'first line of CSV and table, a stamp on the HTML page, and the `x-data-as-of` / `x-replica-lag-seconds` headers. 503 when ' +
  'the reporter is unreachable or refuses (its server is not a read-only replica, lags more than `maxLag`, or is busy), 504 when ' +
  'it does not answer in time; 422 for impossible dates or unknown catalog codes.';

function forwardingProblem(error: Error): HttpProblem {
  if (isForwardTimeout(error)) return new HttpProblem(504, 'reporter_timeout', 'the report did not arrive in time; narrow the range or retry later', { 'retry-after': RETRY_AFTER_S });
  return new HttpProblem(503, 'reporter_unavailable', 'the replica reporter is unavailable; retry shortly', { 'retry-after': RETRY_AFTER_S });
}

export const reportForwardingRoutes: FastifyPluginAsync<ReporterServiceSettings> = async (app, settings) => {
  await app.register(replyFrom, {
    base: settings.url,
    undici: { connections: 16, connect: { timeout: Math.min(settings.timeoutMs, MAX_CONNECT_TIMEOUT_MS) }, headersTimeout: settings.timeoutMs, bodyTimeout: settings.timeoutMs },
    retryMethods: ['GET', 'HEAD'],
    destroyAgent: true,
    disableRequestLogging: true,
  });

  const forward = (request: FastifyRequest, reply: FastifyReply) =>
    reply.from(decodableUrl(request.url.replace(/^\/v1\/reports/, '/reports')), {
      rewriteRequestHeaders: (_request, headers) => serviceRequestHeaders(request, headers, settings.secret, REPORTER_AUDIENCE),
      onResponse: (_request, forwardedReply, response) => {
        // Reports are read on the replica; the bound is the lag the reporter measured plus the heartbeat's second.
        const lag = Number(forwardedReply.getHeader('x-replica-lag-seconds'));
        if (response.statusCode === 200 && Number.isFinite(lag)) forwardedReply.header(readSourceHeader, 'replica').header(readLagBoundHeader, String(Math.ceil(lag * 1000) + 1000));
        forwardedReply.send(response.stream);
      },
      onError: (failedReply, { error }) => {
        const problem = forwardingProblem(error);
        request.log.warn({ err: error }, 'replica reporter call failed');
        failedReply.send(problem);
      },
    });

  app.get('/reports', {
    onRequest: app.requireRole('analyst', 'admin'),
    schema: { operationId: 'listReports', tags: ['reports'], summary: 'The reports, their columns and how each figure is computed', description: REPORT_DESCRIPTION, security: bearer, response: { 200: ReportList, ...problems(401, 403, 429, 503, 504) } },
  }, forward);

  app.get('/reports/:name', {
    onRequest: app.requireRole('analyst', 'admin'),
    schema: {
      operationId: 'runReport',
      tags: ['reports'],
      summary: 'Run one report on the read-only replica',
      description: REPORT_DESCRIPTION,
      security: bearer,
      params: ReportName,
      querystring: ReportQuery,
      response: {
        200: {
          description: 'The report, streamed',
          headers: freshnessHeaders,
          content: {
            'application/json': { schema: ReportJson },
            'text/csv': { schema: { type: 'string', description: 'RFC 4180, CRLF, UTF-8 with BOM; line 1 states the report and its freshness' } },
            'text/html': { schema: { type: 'string', description: 'A self-contained page: freshness stamp, SVG charts, tables' } },
            'text/plain': { schema: { type: 'string', description: 'An aligned text table under a freshness line' } },
          },
        },
        ...problems(400, 401, 403, 422, 429, 503, 504),
      },
    },
  }, forward);
};
