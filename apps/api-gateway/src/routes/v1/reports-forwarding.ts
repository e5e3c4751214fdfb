import replyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ReportList, ReportNameParams, ReportQuery, problems, reportContent, reportFreshnessHeaders } from '@chucar/contracts';
import { HttpProblem } from '@chucar/platform';
import { readLagBoundHeader, readSourceHeader } from '../../plugins/request-context.ts';
import { MAX_CONNECT_TIMEOUT_MS, decodableUrl, isForwardTimeout, serviceRequestHeaders } from './service-forwarding.ts';

/**
 * `/v1/reports` and `/v1/reports/:name`: the gateway authenticates (analysts and admins), checks
 * the query against the schema the reporter itself validates with (`@chucar/contracts`), and
 * forwards to the replica reporter with a one-minute service token. It never computes a statistic;
 * the reporter's answers (CSV, JSON, HTML, problem+json) stream back as they are.
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
      params: ReportNameParams,
      querystring: ReportQuery,
      response: {
        200: { description: 'The report, streamed', headers: reportFreshnessHeaders, content: reportContent },
        ...problems(400, 401, 403, 422, 429, 503, 504),
      },
    },
  }, forward);
};
