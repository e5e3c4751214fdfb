import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's headers, computed once. Without CSP nonces they depend only on the options, yet
 * @fastify/helmet rebuilt the middleware (re-parsing the CSP) on every request: about a tenth of
 * the gateway's CPU per read. Running helmet once against a real, unsent response keeps its policy.
 */
export function staticSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  helmet(options)(request, response, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]));
}
