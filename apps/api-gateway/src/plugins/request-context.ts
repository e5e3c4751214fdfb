import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { HttpProblem, isGtidList } from '@chucar/platform';

/** Carries the GTID of the client's last write; see README "Read-your-writes". */
export const consistencyHeader = 'x-consistency-token';
/** Where a response's reads ran, and how stale they can be (documented in openapi.ts). */
export const readSourceHeader = 'x-read-source';
export const readLagBoundHeader = 'x-read-lag-bound-ms';

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

/**
 * Read-your-writes across instances: the token comes in here; the committed write's GTID goes out
 * with the read's freshness headers in the domain services' one onSend hook.
 */
export const requestContextPlugin = fp(
  async (app) => {
    app.decorateRequest('consistencyToken', null);
    app.decorateRequest('committedGtid', null);
    // A callback hook, not async: it runs on every request.
    app.addHook('onRequest', (request, _reply, done) => {
      try {
        request.consistencyToken = readConsistencyToken(request);
      } catch (error) {
        return done(error as Error);
      }
      done();
    });
  },
  { name: 'request-context' },
);
