/** The first steps of the journey over a real socket, and CORS as a browser on the web client sees it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import { buildTestApp, quoteRequestBody, someTrim, testPassword, uniqueEmail } from '../../testing/test-app.ts';

const timeout = () => AbortSignal.timeout(10_000);

describe('the gateway on a real socket', () => {
  let app: GatewayApp;
  let base: string;
  beforeAll(async () => {
    app = await buildTestApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(() => app?.close());

  it('signs up, creates a request and reads it back with the consistency token', async () => {
    const trim = await someTrim(app);
    const signUp = await fetch(`${base}/v1/auth/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'socket-test-1' },
      body: JSON.stringify({ email: uniqueEmail('socket'), password: testPassword, displayName: '소켓' }),
      signal: timeout(),
    });
    expect(signUp.status).toBe(201);
    expect(signUp.headers.get('x-request-id')).toBe('socket-test-1');
    const session = (await signUp.json()) as { accessToken: string; account: { id: number; displayName: string } };
    expect(session.account.displayName).toBe('소켓');
    const authorization = `Bearer ${session.accessToken}`;

    const created = await fetch(`${base}/v1/quote-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization, 'x-consistency-token': String(signUp.headers.get('x-consistency-token')) },
      body: JSON.stringify(quoteRequestBody(trim.id)),
      signal: timeout(),
    });
    expect(created.status).toBe(201);
    const token = created.headers.get('x-consistency-token');
    expect(token).toMatch(/^\d+-\d+-\d+$/);
    const location = created.headers.get('location');
    const request = (await created.json()) as { id: number; note: string };
    expect(location).toBe(`/v1/quote-requests/${request.id}`);

    const read = await fetch(`${base}${location}`, { headers: { authorization, 'x-consistency-token': token! }, signal: timeout() });
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await read.json()).toMatchObject({ id: request.id, customerId: session.account.id, status: 'open', note: '흰색 선호' });

    const unauthenticated = await fetch(`${base}${location}`, { signal: timeout() });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unauthenticated.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('a CORS preflight from the web client is allowed, and responses expose the consistency and request-id headers', async () => {
    const origin = 'http://localhost:8080';
    const preflight = await fetch(`${base}/v1/quote-requests`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-consistency-token' },
      signal: timeout(),
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-consistency-token']));

    const actual = await fetch(`${base}/v1/regions`, { headers: { origin }, signal: timeout() });
    expect(actual.headers.get('access-control-allow-origin')).toBe(origin);
    const exposed = (actual.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['x-consistency-token', 'x-request-id', 'retry-after']));
  });

  it('a disallowed origin gets no allow-origin header', async () => {
    const origin = 'https://evil.example';
    const preflight = await fetch(`${base}/v1/quote-requests`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      signal: timeout(),
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const actual = await fetch(`${base}/v1/regions`, { headers: { origin }, signal: timeout() });
    expect(actual.headers.get('access-control-allow-origin')).toBeNull();
    // (@fastify/cors still lists expose-headers; without allow-origin a browser ignores them.)
  });

  it('sends an API answer the security headers an API needs, and a document (the docs UI) all of helmet’s', async () => {
    const response = await fetch(`${base}/v1/regions`, { signal: timeout() });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('strict-transport-security')).toContain('max-age=');
    expect(response.headers.get('x-powered-by')).toBeNull();
    for (const documentOnly of ['x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'origin-agent-cluster', 'x-xss-protection']) {
      expect(response.headers.get(documentOnly), documentOnly).toBeNull();
    }
    // Not a CORS request: no CORS lines, but caches still learn that answers vary by Origin.
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')?.toLowerCase()).toContain('origin');

    const docs = await fetch(`${base}/docs`, { signal: timeout() });
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('x-dns-prefetch-control')).toBe('off');
  });
});
