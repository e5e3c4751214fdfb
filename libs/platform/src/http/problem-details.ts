import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldProblem, ProblemDetails } from '@chucar/contracts';
import { isClusterUnavailable } from '../db/cluster-errors.ts';
import { requestIdHeader } from './request-id.ts';

export const problemContentType = 'application/problem+json';
const problemTypeBase = 'https://chucar.example/problems/';

/** An error that already knows its HTTP answer; thrown by hooks and routes. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  readonly errors: readonly FieldProblem[] | undefined;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}, errors?: readonly FieldProblem[]) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
    this.headers = headers;
    this.errors = errors;
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problemBody(status: number, code: string, detail: string, requestId: string, instance?: string, errors?: readonly FieldProblem[]): ProblemDetails {
  return {
    type: `${problemTypeBase}${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(instance !== undefined ? { instance } : {}),
    code,
    requestId,
    ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string, errors?: readonly FieldProblem[]): FastifyReply {
  const body = problemBody(status, code, detail, request.id, request.url.split('?')[0]!, errors);
  // Set here too: answers from the router's own errors skip the hooks that normally add it.
  return reply.code(status).type(problemContentType).header(requestIdHeader, request.id).send(body);
}

const statusByErrorKind: Record<string, number> = { invalid: 422, not_found: 404, forbidden: 403, conflict: 409, unauthenticated: 401 };

/**
 * An error that names its kind of failure (`errorKind`, as the domain's errors do) and a stable
 * `code`: the kit chooses the status, so no app keeps a mapping of its own. Recognised by shape,
 * since the platform imports no other lib.
 */
function fromErrorKind(error: Error): ErrorMapping | null {
  const { errorKind, code, issues } = error as { errorKind?: unknown; code?: unknown; issues?: unknown };
  const status = typeof errorKind === 'string' ? statusByErrorKind[errorKind] : undefined;
  if (status === undefined || typeof code !== 'string') return null;
  return {
    status,
    code,
    ...(Array.isArray(issues) ? { errors: issues as FieldProblem[] } : {}),
    ...(status === 401 ? { headers: { 'www-authenticate': 'Bearer realm="chucar"' } } : {}),
  };
}

/** What an app's own error classes map to; null leaves the error to the kit. */
export type ErrorMapping = { status: number; code: string; errors?: readonly FieldProblem[]; headers?: Record<string, string> };
export type MapError = (error: Error) => ErrorMapping | null;

/** `body/price must be >= 1` → field `price`; fastify's ajv messages name the failing path. */
function validationIssues(error: FastifyError): FieldProblem[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as { missingProperty?: string; additionalProperty?: string };
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = [path, params.missingProperty ?? params.additionalProperty].filter(Boolean).join('.') || (error.validationContext ?? 'request');
    const message = params.additionalProperty ? 'is not a known property' : (issue.message ?? 'is invalid');
    return { field, message };
  });
}

const clientErrorCodes: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  431: 'headers_too_large',
};

export interface ProblemDetailsOptions {
  mapError?: MapError;
}

/**
 * Every error a route or hook raises leaves as problem+json: the app's own errors through
 * `mapError`, validation as 400 with the fields named, database outages and deadlocks as 503
 * with Retry-After, other 4xx as they are, and anything else as a 500 that leaks nothing.
 */
export const problemDetailsPlugin = fp<ProblemDetailsOptions>(
  async (app, { mapError }) => {
    app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof HttpProblem) {
        reply.headers(error.headers);
        return sendProblem(request, reply, error.status, error.code, error.message, error.errors);
      }
      const mapped = mapError?.(error) ?? fromErrorKind(error);
      if (mapped) {
        if (mapped.headers) reply.headers(mapped.headers);
        return sendProblem(request, reply, mapped.status, mapped.code, error.message, mapped.errors);
      }
      if (error.validation) {
        const errors = validationIssues(error);
        return sendProblem(request, reply, 400, 'invalid_request', `invalid ${error.validationContext ?? 'request'}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
      }
      const databaseCode = (error as { code?: string }).code;
      if (databaseCode === 'ER_LOCK_DEADLOCK') {
        // InnoDB rolled the transaction back to break a deadlock: nothing was written; the same request can be retried.
        reply.header('retry-after', '1');
        return sendProblem(request, reply, 503, 'transaction_conflict', 'a concurrent change interrupted this request; nothing was saved, retry it');
      }
      // A lost connection, or on a Galera cluster no writable node or a node outside the primary component (1047, 1180).
      if (isClusterUnavailable(error) || databaseCode === 'ER_LOCK_WAIT_TIMEOUT') {
        request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendProblem(request, reply, 503, 'database_unavailable', 'the database is unavailable; retry shortly');
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        return sendProblem(request, reply, status, clientErrorCodes[status] ?? 'bad_request', error.message);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, status, 'internal_error', 'an internal error occurred; the request id identifies it in the logs');
    });
  },
  { name: 'problem-details' },
);
