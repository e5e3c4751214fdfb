import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { isGtidList } from '@chucar/platform';
import { HttpProblem } from './problem-details.ts';

export const requestIdHeader = 'x-request-id';
/** Carries the GTID of the client's last write; see README "Read-your-writes". */
export const consistencyHeader = 'x-consistency-token';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's request id only if it is safe to log and forward; otherwise makes one. */
export function requestIdFor(request: { headers: Record<string, string | string[] | undefined> }): string {
  const offered = request.headers[requestIdHeader];
  return typeof offered === 'string' && acceptableRequestId.test(offered) ? offered : randomUUID();
}

declare module 'fastify' {
  interface FastifyRequest {
    /** GTID list the client says its reads must include, or null. */
    consistencyToken: string | null;
    /** GTID of the write this request committed, returned to the client as its new token. */
    committedGtid: string | null;
  }
}

function readConsistencyToken(request: FastifyRequest): string | null {
  const raw = request.headers[consistencyHeader];
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > 512 || !isGtidList(raw)) {
    throw new HttpProblem(400, 'invalid_consistency_token', `${consistencyHeader} must be the value a previous response returned (a GTID list such as 0-1-42)`);
  }
  return raw;
}

export const requestContextPlugin = fp(
  async (app) => {
    app.decorateRequest('consistencyToken', null);
    app.decorateRequest('committedGtid', null);
    app.addHook('onRequest', async (request, reply) => {
      reply.header(requestIdHeader, request.id);
      request.consistencyToken = readConsistencyToken(request);
    });
    app.addHook('onSend', async (request, reply) => {
      if (request.committedGtid) reply.header(consistencyHeader, request.committedGtid);
    });
  },
  { name: 'request-context' },
);
