/**
 * What every forward to an internal service shares (the media service, the replica reporter):
 * the client's own credentials and the claims only the gateway may make are dropped, a
 * short-lived service token names the caller, and undici's timeouts are told from other failures.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { HttpProblem, forwardedRequestHeaders, signServiceToken } from '@chucar/platform';

/** A connection on the internal network takes milliseconds; a host that does not answer is down. */
export const MAX_CONNECT_TIMEOUT_MS = 5_000;

const DROPPED_REQUEST_HEADERS = ['authorization', 'cookie', 'x-consistency-token', 'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/** The headers sent on: the client's, less the dropped ones, plus the request id and a service token for `audience`. */
export function serviceRequestHeaders(request: FastifyRequest, headers: IncomingHttpHeaders, secret: string, audience: string): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = { ...headers };
  for (const name of DROPPED_REQUEST_HEADERS) delete forwarded[name];
  const token = signServiceToken(secret, { accountId: request.actor.accountId, role: request.actor.role, audience });
  return { ...forwarded, ...forwardedRequestHeaders(request), authorization: `Bearer ${token}` };
}

/** The forward failed because the service did not answer in time (not because it was unreachable). */
export function isForwardTimeout(error: Error): boolean {
  const code = (error.cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'FST_REPLY_FROM_GATEWAY_TIMEOUT';
}

/**
 * The URL to hand to reply-from, which decodes it whole to refuse `..` segments: a `%` that is not
 * an escape (`?%=1`) would make it throw, a 500 for what is the client's malformed URL.
 */
export function decodableUrl(url: string): string {
  try {
    decodeURIComponent(url);
  } catch {
    throw new HttpProblem(400, 'bad_request', 'the URL has a % that does not start an escape (%XX)');
  }
  return url;
}
