import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import addFormats from 'ajv-formats';
import { createLogger, type LoggingSettings } from '../logging/logger.ts';
import { closeKeepAliveWhileClosing } from './graceful-close.ts';
import { docsPlugin, type DocsOptions } from './docs.ts';
import { healthPlugin } from './health.ts';
import { metricsPlugin } from './metrics.ts';
import { problemBody, problemContentType, problemDetailsPlugin, sendProblem, type MapError } from './problem-details.ts';
import { requestIdFor, requestIdHeader } from './request-id.ts';

export interface HttpServiceOptions {
  /** Names the service in logs and in readiness answers. */
  service: string;
  logging: LoggingSettings;
  /** `false` silences logging (tests); a logger of the caller's (tests that read the lines); otherwise pino from `logging`. */
  logger?: false | FastifyBaseLogger;
  bodyLimitBytes?: number;
  /**
   * Behind the load balancer: the client's address is the one the balancer itself put last in
   * X-Forwarded-For (one trusted hop), never an entry the client wrote before it.
   */
  trustProxy?: boolean;
  /** Maps the app's own error classes (the domain's) to problem answers. */
  mapError?: MapError;
  /** Longer URLs get 414; Node itself answers 431 beyond its 16 KiB header limit. */
  maxUrlLength?: number;
  /**
   * Time to receive a whole request (default 30 s). Services that take uploads raise it: 20 MB from a
   * phone at 1 Mbit/s takes almost three minutes. Slow headers are cut by Node's headersTimeout (60 s).
   */
  requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open (default 30 s). Behind a load balancer it must
   * exceed the time the balancer keeps an idle connection to this instance, or the balancer may
   * send a request on a socket this side is just closing (a 502).
   */
  keepAliveTimeoutMs?: number;
  /** Serves OpenAPI at /docs/json (and a UI at /docs) for every route, the health routes included. */
  docs?: DocsOptions;
}

/** Errors the HTTP parser raises before fastify sees a request, as problem+json on the raw socket. */
function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; code: string; detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', detail: 'the request line and headers exceed the 16 KiB limit' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', detail: 'the request was not received in time' };
    default:
      return { status: 400, code: 'malformed_request', detail: 'the request is not valid HTTP/1.1' };
  }
}

function writeClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, detail } = clientErrorAnswer(error);
  const requestId = randomUUID();
  this.log.debug({ err: error, requestId, status }, 'client error before routing');
  if (socket.writable) {
    const body = JSON.stringify(problemBody(status, code, detail, requestId));
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: ${problemContentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${requestIdHeader}: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The one way every service builds its fastify instance: pino with request ids (accepted,
 * generated, echoed), one log line per request, problem+json for every error (including the
 * parser's and the router's own), Prometheus metrics, the health contract, and a graceful close.
 * Apps add their plugins (`app.addHealthCheck` for each dependency) and routes on top.
 */
/** Routes polled by machines (balancers, orchestrators, scrapers) rather than called by clients. */
const PROBE_ROUTES: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

function trustOnlyTheBalancer(_address: string, hop: number): boolean {
  return hop === 0;
}

export async function createHttpService(options: HttpServiceOptions): Promise<FastifyInstance> {
  const maxUrlLength = options.maxUrlLength ?? 8192;
  const logger: FastifyBaseLogger = options.logger === false ? pino({ level: 'silent' }) : (options.logger ?? createLogger(options.logging, options.service));
  const app: FastifyInstance = Fastify({
    loggerInstance: logger,
    genReqId: requestIdFor,
    // One line per request (below), not fastify's two: half the logging cost on the hot path.
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    // Only the immediate peer (the balancer) is trusted, so the address is the entry it added last.
    // `true` would take the leftmost entry, which the client writes, and with it the rate limit's,
    // the sign-in throttle's and the idempotency scope's address. (Fastify fails closed on a hop count.)
    trustProxy: options.trustProxy === true ? trustOnlyTheBalancer : false,
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    // An idle socket (no bytes either way) is closed after this long.
    connectionTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // Requests that arrive while closing are served (with Connection: close), not refused with a plain-JSON 503.
    return503OnClosing: false,
    clientErrorHandler: writeClientError,
    // The router's own refusals (a URL that does not decode, a path parameter over its length limit).
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode ?? 400;
      void sendProblem(request, reply, status, status === 414 ? 'uri_too_long' : 'malformed_url', error.message);
    },
    ajv: {
      // Unknown properties are a client mistake worth naming, not something to drop silently.
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true },
      plugins: [addFormats as never],
    },
  });

  closeKeepAliveWhileClosing(app);
  // Per-request hooks take a callback, not async: no promise per request on the hot path.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    // Answering from the hook ends the request: done() is not called then.
    if (request.url.length > maxUrlLength) return void sendProblem(request, reply, 414, 'uri_too_long', `the URL exceeds ${maxUrlLength} characters`);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // A load balancer probes readiness every second and Prometheus scrapes metrics: their successes
    // would bury the traffic in the logs, so they go at debug; a failing probe is still logged.
    const level = reply.statusCode < 400 && PROBE_ROUTES.has(request.routeOptions.url ?? '') ? 'debug' : 'info';
    request.log[level]({ method: request.method, url: request.url, statusCode: reply.statusCode, responseTimeMs: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
    done();
  });
  await app.register(problemDetailsPlugin, options.mapError ? { mapError: options.mapError } : {});
  if (options.docs) await app.register(docsPlugin, options.docs);
  await app.register(metricsPlugin);
  await app.register(healthPlugin, { service: options.service });
  return app;
}
