import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '@chucar/domain';
import { isConnectionFailure } from '@chucar/platform';

/** RFC 9457 problem details; `errors` lists field problems, `requestId` ties the answer to the logs. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

const problemTypeBase = 'https://chucar.example/problems/';

export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function sendProblem(request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string, errors?: ProblemDetails['errors']): FastifyReply {
  const body: ProblemDetails = {
    type: `${problemTypeBase}${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    instance: request.url.split('?')[0]!,
    code,
    requestId: request.id,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  return reply.code(status).type('application/problem+json').send(body);
}

/** `body/price must be >= 1` → field `price`; fastify's ajv messages name the failing path. */
function validationIssues(error: FastifyError): { field: string; message: string }[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as { missingProperty?: string; additionalProperty?: string };
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = [path, params.missingProperty ?? params.additionalProperty].filter(Boolean).join('.') || (error.validationContext ?? 'request');
    const message = params.additionalProperty ? 'is not a known property' : (issue.message ?? 'is invalid');
    return { field, message };
  });
}

function fromDomainError(error: DomainError): { status: number; errors?: ProblemDetails['errors'] } {
  if (error instanceof ValidationError) return { status: 422, errors: [...error.issues] };
  if (error instanceof NotFoundError) return { status: 404 };
  if (error instanceof ForbiddenError) return { status: 403 };
  if (error instanceof ConflictError) return { status: 409 };
  if (error instanceof UnauthenticatedError) return { status: 401 };
  return { status: 400 };
}

/** Every error leaves as problem+json; 5xx never leak internals; a database outage is a 503 with Retry-After. */
export const problemDetailsPlugin = fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) => sendProblem(request, reply, 404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`));

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof HttpProblem) {
        reply.headers(error.headers);
        return sendProblem(request, reply, error.status, error.code, error.message);
      }
      if (error instanceof DomainError) {
        const { status, errors } = fromDomainError(error);
        return sendProblem(request, reply, status, error.code, error.message, errors);
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
      if (isConnectionFailure(error) || databaseCode === 'ER_LOCK_WAIT_TIMEOUT') {
        request.log.error({ err: error }, 'database unavailable');
        reply.header('retry-after', '5');
        return sendProblem(request, reply, 503, 'database_unavailable', 'the database is unavailable; retry shortly');
      }
      const status = error.statusCode ?? 500;
      if (status >= 400 && status < 500) {
        const code = status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : status === 429 ? 'rate_limited' : 'bad_request';
        return sendProblem(request, reply, status, code, error.message);
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(request, reply, status, 'internal_error', 'an internal error occurred; the request id identifies it in the logs');
    });
  },
  { name: 'problem-details' },
);
