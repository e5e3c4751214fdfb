/** Request ids and consistency tokens: what the gateway accepts from a caller and what it makes up. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, createQuoteRequest, expectProblem, quoteRequestBody, signUpCustomer, someTrim } from '../testing/test-app.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request context', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app?.close());

  describe('x-request-id', () => {
    it('a safe incoming id is echoed, on success and in problems', async () => {
      const ok = await app.inject({ method: 'GET', url: '/v1/regions', headers: { 'x-request-id': 'web-1234:abc.DEF_9' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-request-id']).toBe('web-1234:abc.DEF_9');
      const missing = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { 'x-request-id': 'lb-trace-42' } });
      expect(expectProblem(missing, 401).requestId).toBe('lb-trace-42');
    });

    it('an unsafe or oversized id is replaced by a generated one', async () => {
      for (const offered of ['has spaces in it', 'a'.repeat(300), 'line\tbreak', '<script>', 'ümlaut', '']) {
        const response = await app.inject({ method: 'GET', url: '/v1/no-such-route', headers: { 'x-request-id': offered } });
        const id = String(response.headers['x-request-id']);
        expect(id, JSON.stringify(offered)).toMatch(uuid);
        expect(expectProblem(response, 404).requestId).toBe(id);
      }
      // 128 characters is the longest id accepted.
      const longest = 'b'.repeat(128);
      expect((await app.inject({ method: 'GET', url: '/v1/regions', headers: { 'x-request-id': longest } })).headers['x-request-id']).toBe(longest);
      expect((await app.inject({ method: 'GET', url: '/v1/regions', headers: { 'x-request-id': `${longest}b` } })).headers['x-request-id']).toMatch(uuid);
    });

    it('without an incoming id each request gets its own', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add(String((await app.inject({ method: 'GET', url: '/v1/regions' })).headers['x-request-id']));
      expect(ids.size).toBe(5);
      for (const id of ids) expect(id).toMatch(uuid);
    });
  });

  describe('x-consistency-token', () => {
    it('writes return one; reads return none; a malformed one is a 400 before anything runs', async () => {
      const trim = await someTrim(app);
      const customer = await signUpCustomer(app, 'token-shape');
      expect(customer.consistencyToken).toMatch(/^\d+-\d+-\d+$/);
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const read = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: { ...customer.headers, 'x-consistency-token': token } });
      expect(read.statusCode).toBe(200);
      expect(read.headers['x-consistency-token']).toBeUndefined();

      for (const bad of ['yesterday', '0-1', '0-1-x', '0-1-2;DROP TABLE', `0-1-${'9'.repeat(21)}`, '0-1-2,', `${'0-1-2,'.repeat(100)}0-1-2`]) {
        const response = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...customer.headers, 'x-consistency-token': bad }, payload: quoteRequestBody(trim.id) });
        expect(expectProblem(response, 400, 'invalid_consistency_token').detail, bad).toContain('x-consistency-token');
      }
      const unchanged = await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: { ...customer.headers, 'x-consistency-token': token } });
      expect(unchanged.json().items.map((item: { id: number }) => item.id)).toEqual([request.id]);
      // A list of GTIDs from several domains is well formed.
      const multi = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: { ...customer.headers, 'x-consistency-token': `${token},1-2-3` } });
      expect(multi.statusCode).toBe(200);
    });
  });
});
