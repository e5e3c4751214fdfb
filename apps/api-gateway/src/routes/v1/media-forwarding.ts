import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '@chucar/platform';
import { readLagBoundHeader, readSourceHeader } from '../../plugins/request-context.ts';
import { MAX_CONNECT_TIMEOUT_MS, decodableUrl, isForwardTimeout, serviceRequestHeaders } from './service-forwarding.ts';

export type MediaServiceSettings = {
  /** Base URL of the media service API; paths are forwarded unchanged. */
  url: string;
  /** Connecting, and each wait: for the service's answer, or for the client's next bytes. */
  timeoutMs: number;
  /** Signs the service tokens the media service checks. */
  secret: string;
  /** Largest request body forwarded (413 beyond). */
  maxUploadBytes: number;
};

export const MEDIA_SERVICE_AUDIENCE = 'media-service';
/** How long a client should wait before retrying when the media service is unreachable. */
const RETRY_AFTER_S = '5';

function tooLarge(maxBytes: number): HttpProblem {
  // The rest of the body is not read: the connection cannot carry another request after it.
  return new HttpProblem(413, 'body_too_large', `uploads are limited to ${maxBytes} bytes`, { connection: 'close' });
}

function stalled(idleMs: number): HttpProblem {
  return new HttpProblem(408, 'request_timeout', `the upload stalled: no bytes arrived for ${idleMs} ms; resume or retry it`, { connection: 'close' });
}

/**
 * Passes the body through, failing with 413 past `maxBytes` (a chunked body announces no length to
 * check first) and with 408 when the client sends nothing for `idleMs`: undici never times a request
 * out while it is still writing its body, so a stalled client would otherwise hold the call open.
 */
function limitedBody(source: IncomingMessage, maxBytes: number, idleMs: number): Transform {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      idle.refresh();
      seen += chunk.length;
      callback(seen > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  const idle = setTimeout(() => limited.destroy(stalled(idleMs)), idleMs).unref();
  const stopWatching = () => clearTimeout(idle);
  limited.once('finish', stopWatching).once('close', stopWatching);
  source.once('close', stopWatching);
  // pipe(), not pipeline(): destroying the source would close the socket before the 413 is written.
  source.once('error', (error) => limited.destroy(error));
  return source.pipe(limited);
}

/**
 * Scopes to the calling plugin (register it in an encapsulated route plugin only): reply-from's
 * connection pool to the media service, and a parser that leaves every body unparsed, as a stream
 * the forwarder hands on. The gateway's own JSON routes keep their parsers and body limit.
 */
export async function prepareMediaForwarding(app: FastifyInstance, settings: MediaServiceSettings): Promise<void> {
  const timeoutMs = settings.timeoutMs;
  await app.register(replyFrom, {
    base: settings.url,
    undici: {
      connections: 128,
      connect: { timeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS) },
      // undici restarts this wait on every chunk it sends, so a long upload is not cut short.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    },
    // One retry of a read over a pooled connection the service had just closed; never a retry on its 503s.
    retryMethods: ['GET', 'HEAD'],
    destroyAgent: true,
    disableRequestLogging: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > settings.maxUploadBytes) {
      done(tooLarge(settings.maxUploadBytes), undefined);
      return;
    }
    done(null, limitedBody(payload, settings.maxUploadBytes, timeoutMs));
  });
}

/** Why a forward failed, as an answer the client can act on; the media service's own answers never come here. */
function forwardingProblem(error: Error): HttpProblem {
  const cause = error.cause;
  if (cause instanceof HttpProblem) return cause;
  if (isForwardTimeout(error)) {
    return new HttpProblem(504, 'media_service_timeout', 'the media service did not answer in time; retry shortly (an upload sent again is not duplicated)', { 'retry-after': RETRY_AFTER_S });
  }
  return new HttpProblem(503, 'media_service_unavailable', 'the media service is unavailable; retry shortly', { 'retry-after': RETRY_AFTER_S });
}

/**
 * Sends the request to the media service under the same path, as the caller requireRole verified,
 * streaming the body both ways. The service's answers, problem+json included, pass through as they are.
 */
export function forwardToMediaService(request: FastifyRequest, reply: FastifyReply, secret: string): FastifyReply {
  return reply.from(decodableUrl(request.url), {
    rewriteRequestHeaders: (_request, headers) => serviceRequestHeaders(request, headers, secret, MEDIA_SERVICE_AUDIENCE),
    onResponse: (_request, forwardedReply, response) => {
      // The media service reads its rows on the primary: the freshness every read under /v1 states.
      if (request.method === 'GET' && response.statusCode === 200) {
        forwardedReply.header(readSourceHeader, 'primary').header(readLagBoundHeader, '0');
      }
      forwardedReply.send(response.stream);
    },
    onError: (failedReply, { error }) => {
      const problem = forwardingProblem(error);
      if (problem.status >= 500) request.log.warn({ err: error }, 'media service call failed');
      failedReply.send(problem);
    },
  });
}
