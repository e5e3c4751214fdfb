import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { Static } from 'typebox';
import { Problem, REPORT_FORMATS, ReportList, ReportNameParams, ReportQuery, problems, reportContent, reportFreshnessHeaders } from '@chucar/contracts';
import { listReportDefinitions } from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';
import { ReportRefusal } from '../guard/refusal.ts';
import { CONTENT_TYPES, FILE_EXTENSIONS, renderReport } from '../render/render.ts';
import type { ReportRunner } from '../reports/report-runner.ts';
import { createReportAuth } from './auth.ts';

export type ReportRoutesOptions = { runner: ReportRunner; jwtSecret: string; serviceSecret: string };

const bearer = [{ bearerAuth: [] }];

/** A refusal as the answer a client can act on: 503 with Retry-After and the one-line reason. */
function refusalProblem(refusal: ReportRefusal): HttpProblem {
  return new HttpProblem(503, refusal.code, refusal.message, { 'retry-after': String(refusal.retryAfterS) });
}

export const reportRoutes: FastifyPluginAsync<ReportRoutesOptions> = async (app, options) => {
  app.addSchema(Problem);
  const requireReportRole = createReportAuth({ jwtSecret: options.jwtSecret, serviceSecret: options.serviceSecret });

  app.get('/reports', {
    onRequest: requireReportRole,
    schema: {
      tags: ['reports'],
      summary: 'The reports, their columns and how each figure is computed',
      security: bearer,
      response: { 200: ReportList, ...problems(401, 403) },
    },
  }, async () => ({
    reports: listReportDefinitions().map(({ name, title, summary, method, filters, columns }) => ({ name, title, summary, method, filters: [...filters], columns: [...columns] })),
    formats: [...REPORT_FORMATS],
  }));

  app.get<{ Params: Static<typeof ReportNameParams>; Querystring: Static<typeof ReportQuery> }>('/reports/:name', {
    onRequest: requireReportRole,
    schema: {
      tags: ['reports'],
      summary: 'Run one report on the read-only replica',
      description:
        'Computed from the replica only, after checking it is one (read_only, replication running, a SELECT-only account). ' +
        'Every format states dataAsOf and replicaLagSeconds (JSON fields, the first line of CSV and table, a stamp on the page, ' +
        'and the x-data-as-of / x-replica-lag-seconds headers). 503 when the server is not a replica, lags more than maxLag, ' +
        'or the report queries are busy; 422 for impossible dates or unknown catalog codes.',
      security: bearer,
      params: ReportNameParams,
      querystring: ReportQuery,
      response: {
        200: { description: 'The report, streamed', headers: reportFreshnessHeaders, content: reportContent },
        ...problems(400, 401, 403, 422, 503),
      },
    },
  }, async (request, reply) => {
    const { format = 'json', maxLag, bom = true, ...input } = request.query;
    // A client that hangs up while the replica still sorts stops the report's statement there.
    const clientGone = new AbortController();
    reply.raw.once('close', () => clientGone.abort());
    let result;
    try {
      result = await options.runner.run(request.params.name, input, { maxLagS: maxLag, signal: clientGone.signal });
    } catch (error) {
      // Nobody is left to read an answer: the statement was stopped on purpose.
      if (clientGone.signal.aborted) return reply.code(499).send();
      if (error instanceof ReportRefusal) throw refusalProblem(error);
      throw error;
    }
    const { header } = result;
    const fileName = `${header.report}-${header.params.from}-${header.params.to}-${header.params.granularity}.${FILE_EXTENSIONS[format]}`;
    reply
      .type(CONTENT_TYPES[format])
      .header('x-data-as-of', header.dataAsOf)
      .header('x-replica-lag-seconds', String(header.replicaLagSeconds))
      .header('cache-control', 'no-store');
    if (format === 'csv') reply.header('content-disposition', `attachment; filename="${fileName}"`);
    return reply.send(Readable.from(renderReport(result, format, { bom })));
  });
};
