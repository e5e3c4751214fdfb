import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** The header that carries a request's id from the client through every service it reaches. */
export const requestIdHeader = 'x-request-id';

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's request id only if it is safe to log and forward; otherwise makes one. */
export function requestIdFor(request: { headers: Record<string, string | string[] | undefined> }): string {
  const offered = request.headers[requestIdHeader];
  return typeof offered === 'string' && acceptableRequestId.test(offered) ? offered : randomUUID();
}

/** Headers for a call to another service on behalf of `request`, so its logs share the id. */
export function forwardedRequestHeaders(request: { id: string }): Record<string, string> {
  return { [requestIdHeader]: request.id };
}

/** Data for a queued job, stamped with the id of the request that caused it. */
export function withRequestId<T extends object>(request: { id: string }, data: T): T & { requestId: string } {
  return { ...data, requestId: request.id };
}

/** The logger a worker uses for one job: every line carries the originating request id and the job. */
export function loggerForJob(logger: Logger, job: { id?: string | undefined; name: string; data: unknown }): Logger {
  const requestId = (job.data as { requestId?: unknown } | null)?.requestId;
  return logger.child({ jobId: job.id, job: job.name, ...(typeof requestId === 'string' ? { requestId } : {}) });
}
