/** Every error class leaves the gateway as RFC 9457 problem+json, and a refused write changes nothing. */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import {
  activeDealer,
  buildTestApp,
  createQuoteRequest,
  expectProblem,
  headersAfter,
  idsOf,
  problemFields,
  quoteRequestBody,
  signUpCustomer,
  someTrim,
  submitQuote,
  testPassword,
  uniqueEmail,
  validUntil,
  type Session,
} from '../testing/test-app.ts';

describe('problem details for every error class', () => {
  let app: GatewayApp;
  let trim: Awaited<ReturnType<typeof someTrim>>;
  let customer: Session;
  beforeAll(async () => {
    app = await buildTestApp();
    trim = await someTrim(app);
    customer = await signUpCustomer(app, 'problems-customer');
  });
  afterAll(() => app?.close());

  /** The customer's request ids, read on the primary's terms so a count is exact. */
  async function myRequestIds(token?: string): Promise<number[]> {
    const response = await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: headersAfter(customer, token) });
    expect(response.statusCode).toBe(200);
    return idsOf(response);
  }

  describe('400 schema validation names the field', () => {
    const cases: [string, (trimId: number) => object, string][] = [
      ['missing field', (trimId) => { const { region: _region, ...rest } = quoteRequestBody(trimId); return rest; }, 'region'],
      ['wrong type', (trimId) => quoteRequestBody(trimId, { trimId: 'seven' }), 'trimId'],
      ['unknown property', (trimId) => quoteRequestBody(trimId, { colour: 'white' }), 'colour'],
      ['bad enum', (trimId) => quoteRequestBody(trimId, { region: 'atlantis' }), 'region'],
      ['bad enum in a list', (trimId) => quoteRequestBody(trimId, { paymentMethod: 'barter' }), 'paymentMethod'],
      ['repeated list item', (trimId) => quoteRequestBody(trimId, { optionCodes: ['A', 'A'] }), 'optionCodes'],
    ];
    for (const [name, body, field] of cases) {
      it(`${name}: ${field}`, async () => {
        const before = await myRequestIds();
        const response = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: body(trim.id) });
        const problem = expectProblem(response, 400, 'invalid_request');
        expect(problemFields(problem)).toContain(field);
        expect(problem.detail).toContain(field);
        expect(await myRequestIds()).toEqual(before);
      });
    }

    it('bad date in a quote: validUntil', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'bad-date-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      for (const validUntil of ['next tuesday', '2026-13-45T00:00:00Z', 20260101]) {
        const response = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(dealer, token), payload: { priceKrw: request.listPriceKrw - 1, conditions: '', validUntil } });
        expect(problemFields(expectProblem(response, 400, 'invalid_request')), String(validUntil)).toContain('validUntil');
      }
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(customer, token) }))).toEqual([]);
    });

    it('every problem of a body at once', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: 'not-an-email', password: '', extra: 1 } });
      const fields = problemFields(expectProblem(response, 400, 'invalid_request'));
      expect(fields).toEqual(expect.arrayContaining(['email', 'password', 'displayName', 'extra']));
    });

    it('path and query parameters', async () => {
      expect(problemFields(expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests/abc', headers: customer.headers }), 400, 'invalid_request'))).toContain('id');
      expect(problemFields(expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests/0', headers: customer.headers }), 400, 'invalid_request'))).toContain('id');
      expect(problemFields(expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests?status=pending', headers: customer.headers }), 400, 'invalid_request'))).toContain('status');
      expect(problemFields(expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests?sort=price', headers: customer.headers }), 400, 'invalid_request'))).toContain('sort');
      expect(problemFields(expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests?createdFrom=yesterday', headers: customer.headers }), 400, 'invalid_request'))).toContain('createdFrom');
    });

    it('malformed JSON and an empty JSON body are 400 problems', async () => {
      const malformed = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...customer.headers, 'content-type': 'application/json' }, payload: '{"trimId": 1,' });
      expectProblem(malformed, 400);
      const empty = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...customer.headers, 'content-type': 'application/json' }, payload: '' });
      expectProblem(empty, 400);
    });
  });

  describe('422 domain validation names the field', () => {
    it('an option code the trim does not have: optionCodes', async () => {
      const before = await myRequestIds();
      const response = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id, { optionCodes: ['NO-SUCH-OPTION'] }) });
      const problem = expectProblem(response, 422, 'validation_failed');
      expect(problem.errors).toEqual([{ field: 'optionCodes', message: expect.stringContaining('NO-SUCH-OPTION') }]);
      expect(await myRequestIds()).toEqual(before);
    });

    it('a trim that does not exist: trimId', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(999_999_999) });
      expect(problemFields(expectProblem(response, 422, 'validation_failed'))).toEqual(['trimId']);
    });

    it('quote prices above the list price or implausibly low, and validity in the past or too far: the fields', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'price-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const headers = headersAfter(dealer, token);
      const attempt = (payload: object) => app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil(), ...payload } });

      const above = expectProblem(await attempt({ priceKrw: request.listPriceKrw + 1 }), 422, 'validation_failed');
      expect(problemFields(above)).toEqual(['priceKrw']);
      expect(above.errors![0]!.message).toContain(String(request.listPriceKrw));
      expect(problemFields(expectProblem(await attempt({ priceKrw: Math.floor(request.listPriceKrw / 3) }), 422, 'validation_failed'))).toEqual(['priceKrw']);
      expect(problemFields(expectProblem(await attempt({ validUntil: new Date(Date.now() - 60_000).toISOString() }), 422, 'validation_failed'))).toEqual(['validUntil']);
      expect(problemFields(expectProblem(await attempt({ validUntil: validUntil(400) }), 422, 'validation_failed'))).toEqual(['validUntil']);
      const both = expectProblem(await attempt({ priceKrw: request.listPriceKrw + 1, validUntil: validUntil(400) }), 422, 'validation_failed');
      expect(problemFields(both).sort()).toEqual(['priceKrw', 'validUntil']);

      // None of them stored a quote; a valid one still can be submitted.
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers }))).toEqual([]);
      expect((await attempt({})).statusCode).toBe(201);
    });

    it('a dealer sign-up with a weak password: password', async () => {
      const response = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: uniqueEmail('weak'), password: 'short', displayName: 'weak' } });
      expect(problemFields(expectProblem(response, 422, 'validation_failed'))).toEqual(['password']);
    });

    it('createdFrom not before createdTo: createdTo', async () => {
      const response = await app.inject({ method: 'GET', url: '/v1/quote-requests?createdFrom=2026-02-01T00:00:00Z&createdTo=2026-01-01T00:00:00Z', headers: customer.headers });
      expect(problemFields(expectProblem(response, 422, 'validation_failed'))).toEqual(['createdTo']);
    });
  });

  describe('401, 403, 404', () => {
    it('401: bad credentials read the same for an unknown email and a wrong password', async () => {
      const unknown = expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: uniqueEmail('nobody'), password: testPassword } }), 401, 'unauthenticated');
      const wrong = expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: customer.account.email, password: 'wrong password here' } }), 401, 'unauthenticated');
      expect(wrong.detail).toBe(unknown.detail);
    });

    it('401: a bearer token longer than any access token is refused as invalid, not looked at further', async () => {
      const tooLong = `${'a'.repeat(300)}.${'b'.repeat(300)}.${'c'.repeat(43)}`;
      const refused = expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { authorization: `Bearer ${tooLong}` } }), 401, 'unauthenticated');
      expect(refused.detail).toMatch(/invalid/);
    });

    it('403: a customer on a staff route', async () => {
      expectProblem(await app.inject({ method: 'GET', url: '/v1/dealers', headers: customer.headers }), 403, 'forbidden');
    });

    it('404: unknown ids and unknown routes', async () => {
      const headers = customer.headers;
      expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests/999999999', headers }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/quotes/999999999', headers }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/catalog/trims/999999999' }), 404, 'not_found');
      const route = expectProblem(await app.inject({ method: 'GET', url: '/v1/no-such-thing?x=1' }), 404, 'route_not_found');
      expect(route.instance).toBe('/v1/no-such-thing');
      expectProblem(await app.inject({ method: 'DELETE', url: '/v1/quote-requests/1', headers }), 404, 'route_not_found');
    });
  });

  describe('CORS preflight', () => {
    it('an OPTIONS request that is not a preflight is a 400 problem, not plain text', async () => {
      expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/regions' }), 400, 'invalid_preflight');
      expectProblem(await app.inject({ method: 'OPTIONS', url: '/v1/regions', headers: { origin: 'http://localhost:8080' } }), 400, 'invalid_preflight');
    });

    it('a real preflight from an allowed origin is answered', async () => {
      const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/regions', headers: { origin: 'http://localhost:8080', 'access-control-request-method': 'GET' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8080');
    });
  });

  describe('409 conflicts', () => {
    it('a duplicate email, whatever its case, and the first account is untouched', async () => {
      const email = uniqueEmail('Dup');
      const first = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email, password: testPassword, displayName: 'first' } });
      expect(first.statusCode).toBe(201);
      const again = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: email.toUpperCase(), password: 'another password 123', displayName: 'second' } });
      expectProblem(again, 409, 'email_taken');
      const asDealer = await app.inject({ method: 'POST', url: '/v1/auth/dealers', payload: { email: ` ${email.toLowerCase()}`.trim(), password: 'another password 123', displayName: 'd', dealershipName: 'D', regions: ['seoul'] } });
      expectProblem(asDealer, 409, 'email_taken');
      // The original password still works; the second one never did.
      expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: testPassword } })).json().account).toMatchObject({ displayName: 'first', role: 'customer' });
      expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: 'another password 123' } }), 401);
    });

    it('a second quote by the same dealer; the first stays the only one', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'twice-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const first = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);
      const second = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(dealer, first.token), payload: { priceKrw: request.listPriceKrw - 2_000_000, conditions: 'better', validUntil: validUntil() } });
      expectProblem(second, 409, 'quote_exists');
      const quotes = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(customer, first.token) });
      expect(quotes.json().items).toMatchObject([{ id: first.quote.id, revision: 1, priceKrw: request.listPriceKrw - 1_000_000 }]);
    });

    it('accepting on a cancelled request, cancelling twice, accepting twice', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'closed-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const { quote } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);

      const cancelled = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/cancel`, headers: customer.headers });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled' });
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/cancel`, headers: customer.headers }), 409, 'request_not_open');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: customer.headers, payload: { quoteId: quote.id } }), 409, 'request_not_open');
      const revise = await app.inject({ method: 'PATCH', url: `/v1/quotes/${quote.id}`, headers: dealer.headers, payload: { priceKrw: request.listPriceKrw - 5, conditions: '', validUntil: validUntil() } });
      expectProblem(revise, 409, 'request_not_open');
      const after = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(customer, cancelled.headers['x-consistency-token']) });
      expect(after.json()).toMatchObject({ status: 'cancelled', acceptedQuoteId: null });

      const second = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const q2 = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, second.token) }, second.request);
      expect((await app.inject({ method: 'POST', url: `/v1/quote-requests/${second.request.id}/accept`, headers: customer.headers, payload: { quoteId: q2.quote.id } })).statusCode).toBe(200);
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${second.request.id}/accept`, headers: customer.headers, payload: { quoteId: q2.quote.id } }), 409, 'request_not_open');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${second.request.id}/cancel`, headers: customer.headers }), 409, 'request_not_open');
    });

    it('accepting a withdrawn quote', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'withdrawn-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const { quote } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);
      expect((await app.inject({ method: 'POST', url: `/v1/quotes/${quote.id}/withdraw`, headers: dealer.headers })).json()).toMatchObject({ status: 'withdrawn' });
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: customer.headers, payload: { quoteId: quote.id } }), 409, 'quote_not_acceptable');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quotes/${quote.id}/withdraw`, headers: dealer.headers }), 409, 'quote_not_active');
    });
  });

  describe('415 and 413', () => {
    it('415: a text/plain or form body on a JSON route, and nothing is created', async () => {
      const before = await myRequestIds();
      const text = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...customer.headers, 'content-type': 'text/plain' }, payload: JSON.stringify(quoteRequestBody(trim.id)) });
      expectProblem(text, 415, 'unsupported_media_type');
      const form = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...customer.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: `trimId=${trim.id}&region=seoul` });
      expectProblem(form, 415, 'unsupported_media_type');
      const login = await app.inject({ method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'text/plain' }, payload: JSON.stringify({ email: customer.account.email, password: testPassword }) });
      expectProblem(login, 415, 'unsupported_media_type');
      expect(await myRequestIds()).toEqual(before);
    });

    it('413: a body over BODY_LIMIT_BYTES, and nothing is created', async () => {
      const small = await buildTestApp({ BODY_LIMIT_BYTES: '1024' });
      try {
        const owner = await signUpCustomer(small, 'limit-customer');
        const tooLarge = await small.inject({ method: 'POST', url: '/v1/quote-requests', headers: owner.headers, payload: quoteRequestBody(trim.id, { note: 'x'.repeat(2000) }) });
        expectProblem(tooLarge, 413, 'body_too_large');
        const fits = await small.inject({ method: 'POST', url: '/v1/quote-requests', headers: owner.headers, payload: quoteRequestBody(trim.id, { note: 'x'.repeat(500) }) });
        expect(fits.statusCode, fits.body).toBe(201);
        const mine = await small.inject({ method: 'GET', url: '/v1/quote-requests', headers: headersAfter(owner, fits.headers['x-consistency-token']) });
        expect(idsOf(mine)).toEqual([fits.json().id]);
      } finally {
        await small.close();
      }
    });
  });

  describe('429', () => {
    it('after RATE_LIMIT_MAX requests a client gets 429 with retry-after and ratelimit headers; other clients are unaffected', async () => {
      const limited = await buildTestApp({ RATE_LIMIT_MAX: '3' });
      try {
        // A signed-in client counts by its account: one of its own, so earlier runs sharing Redis do not count.
        const signedIn = () => ({ authorization: `Bearer ${limited.issueAccessToken({ accountId: randomInt(1_000_000, 1_000_000_000), role: 'customer' }).accessToken}` });
        const client = signedIn();
        const statuses: number[] = [];
        const remaining: string[] = [];
        for (let i = 0; i < 3; i++) {
          const response = await limited.inject({ method: 'GET', url: '/v1/regions', headers: client });
          statuses.push(response.statusCode);
          remaining.push(String(response.headers['ratelimit-remaining']));
          expect(response.headers['ratelimit-limit']).toBe('3');
        }
        expect(statuses).toEqual([200, 200, 200]);
        expect(remaining).toEqual(['2', '1', '0']);

        const refused = await limited.inject({ method: 'GET', url: '/v1/regions', headers: client });
        expectProblem(refused, 429, 'rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(refused.headers['ratelimit-remaining']).toBe('0');

        const otherAccount = await limited.inject({ method: 'GET', url: '/v1/regions', headers: signedIn() });
        expect(otherAccount.statusCode).toBe(200);
        // Without a token, or with one that does not verify, the key is the address.
        const address = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
        const byAddress: number[] = [];
        for (let i = 0; i < 4; i++) {
          const headers = i % 2 === 0 ? {} : { authorization: `Bearer made-up-${randomUUID()}` };
          byAddress.push((await limited.inject({ method: 'GET', url: '/v1/regions', remoteAddress: address, headers })).statusCode);
        }
        expect(byAddress).toEqual([200, 200, 200, 429]);
        // Health and metrics stay reachable for the load balancer and Prometheus.
        for (let i = 0; i < 4; i++) expect((await limited.inject({ method: 'GET', url: '/metrics', remoteAddress: address })).statusCode).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('a rate-limited write is not performed', async () => {
      const limited = await buildTestApp({ RATE_LIMIT_MAX: '3' });
      try {
        // Signed up through the unlimited app: unauthenticated calls share the address key with other tests.
        const owner = await signUpCustomer(app, 'limited-writer');
        const created: number[] = [];
        const statuses: number[] = [];
        let token = owner.consistencyToken;
        for (let i = 0; i < 4; i++) {
          const response = await limited.inject({ method: 'POST', url: '/v1/quote-requests', headers: owner.headers, payload: quoteRequestBody(trim.id) });
          statuses.push(response.statusCode);
          if (response.statusCode === 201) {
            created.push(response.json().id);
            token = String(response.headers['x-consistency-token']);
          }
        }
        expect(statuses).toEqual([201, 201, 201, 429]);
        const mine = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: headersAfter(owner, token) });
        expect(idsOf(mine).sort()).toEqual(created.sort());
      } finally {
        await limited.close();
      }
    });
  });
});
