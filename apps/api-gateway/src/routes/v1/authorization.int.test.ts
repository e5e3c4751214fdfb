/** Who may do what, over HTTP: tokens, roles, ownership, dealer status and regions. */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import {
  activeDealer,
  buildTestApp,
  createQuoteRequest,
  expectProblem,
  headersAfter,
  idsOf,
  quoteRequestBody,
  signInStaff,
  signUpCustomer,
  signUpDealer,
  someTrim,
  submitQuote,
  validUntil,
  type Session,
} from '../../testing/test-app.ts';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT signed with `secret`, built by hand so no library is on our side of the check. */
function handMadeJwt(claims: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const nowS = () => Math.floor(Date.now() / 1000);
/** The gateway under test signs with this, so the test can sign tokens the gateway would accept. */
const jwtSecret = 'authorization-test-secret-of-at-least-32-characters';

describe('authorization over HTTP', () => {
  let app: GatewayApp;
  let trim: Awaited<ReturnType<typeof someTrim>>;
  let admin: Session;
  let analyst: Session;
  beforeAll(async () => {
    app = await buildTestApp({ JWT_SECRET: jwtSecret });
    trim = await someTrim(app);
    admin = await signInStaff(app, 'admin');
    analyst = await signInStaff(app, 'analyst');
  });
  afterAll(() => app?.close());

  describe('access tokens', () => {
    it('no token: 401 problem with a Bearer challenge, on reads and writes', async () => {
      for (const [method, url] of [['GET', '/v1/me'], ['GET', '/v1/quote-requests'], ['POST', '/v1/quote-requests'], ['GET', '/v1/dealers'], ['POST', '/v1/dealers/1/approve']] as const) {
        const response = await app.inject({ method, url, ...(method === 'POST' && url === '/v1/quote-requests' ? { payload: quoteRequestBody(trim.id) } : {}) });
        expectProblem(response, 401, 'unauthenticated');
        expect(response.headers['www-authenticate'], url).toBe('Bearer realm="chucar"');
      }
    });

    it('malformed, wrongly signed, unsigned and tampered tokens: 401', async () => {
      const customer = await signUpCustomer(app, 'token-customer');
      const claims = { sub: String(customer.account.id), role: 'customer', iat: Math.floor(Date.now() / 1000) };
      const [header, payload, signature] = customer.accessToken.split('.');
      const asAdmin = base64url({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'admin' });
      const badTokens = {
        garbage: 'not-a-jwt',
        wrongSecret: handMadeJwt(claims, 'some-other-secret-that-is-long-enough-0123456789'),
        algNone: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
        roleTamperedToAdmin: `${header}.${asAdmin}.${signature}`,
        truncatedSignature: customer.accessToken.slice(0, -4),
      };
      for (const [name, token] of Object.entries(badTokens)) {
        const response = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) });
        expect(response.statusCode, name).toBe(401);
        expectProblem(response, 401, 'unauthenticated');
        expect(response.headers['www-authenticate'], name).toContain('Bearer');
      }
      const notBearer = await app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
      expectProblem(notBearer, 401, 'unauthenticated');
      // The genuine token still works, so the 401s above are about the tokens.
      expect((await app.inject({ method: 'GET', url: '/v1/me', headers: customer.headers })).statusCode).toBe(200);
    });

    it('expired token: 401 saying so', async () => {
      const customer = await signUpCustomer(app, 'expired-customer');
      const issuedAtS = nowS() - 365 * 86_400;
      const expired = handMadeJwt({ sub: String(customer.account.id), role: 'customer', iat: issuedAtS, exp: issuedAtS + 900 }, jwtSecret);
      const response = await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(expired) });
      const problem = expectProblem(response, 401, 'unauthenticated');
      expect(problem.detail).toMatch(/expired/);
    });

    it('validly signed claims that name no account id or no known role: 401', async () => {
      for (const claims of [{ sub: 'abc', role: 'customer' }, { sub: '1', role: 'superuser' }, { sub: '1.5', role: 'admin' }]) {
        const token = handMadeJwt({ ...claims, iat: nowS(), exp: nowS() + 900 }, jwtSecret);
        expectProblem(await app.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) }), 401, 'unauthenticated');
      }
    });
  });

  describe('authentication comes before the body', () => {
    it('an anonymous caller with an invalid or unparseable body gets 401, not a 400/415 describing the schema', async () => {
      const invalid = await app.inject({ method: 'POST', url: '/v1/quote-requests', payload: { region: 'atlantis' } });
      expectProblem(invalid, 401, 'unauthenticated');
      const text = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
      expectProblem(text, 401, 'unauthenticated');
      const badId = await app.inject({ method: 'GET', url: '/v1/quote-requests/abc' });
      expectProblem(badId, 401, 'unauthenticated');
    });

    it('a caller with the wrong role and an invalid body gets 403, not 400', async () => {
      const dealer = await activeDealer(app, ['seoul'], 'wrong-role-invalid');
      expectProblem(await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: dealer.headers, payload: { colour: 'white' } }), 403, 'forbidden');
      const customer = await signUpCustomer(app, 'wrong-role-quote');
      expectProblem(await app.inject({ method: 'POST', url: '/v1/quote-requests/1/quotes', headers: customer.headers, payload: { priceKrw: -1 } }), 403, 'forbidden');
    });
  });

  describe('roles', () => {
    it('a dealer cannot create a request; a customer cannot quote; an analyst cannot accept; none can write as someone else', async () => {
      const customer = await signUpCustomer(app, 'roles-customer');
      const dealer = await activeDealer(app, ['seoul'], 'roles-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const { quote } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);

      const dealerCreates = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: dealer.headers, payload: quoteRequestBody(trim.id) });
      expectProblem(dealerCreates, 403, 'forbidden');
      const customerQuotes = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: customer.headers, payload: { priceKrw: request.listPriceKrw - 1, conditions: '', validUntil: validUntil() } });
      expectProblem(customerQuotes, 403, 'forbidden');
      const customerRevises = await app.inject({ method: 'PATCH', url: `/v1/quotes/${quote.id}`, headers: customer.headers, payload: { priceKrw: request.listPriceKrw - 1, conditions: '', validUntil: validUntil() } });
      expectProblem(customerRevises, 403, 'forbidden');
      const analystAccepts = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: analyst.headers, payload: { quoteId: quote.id } });
      expectProblem(analystAccepts, 403, 'forbidden');
      const dealerAccepts = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: dealer.headers, payload: { quoteId: quote.id } });
      expectProblem(dealerAccepts, 403, 'forbidden');
      const customerListsOwnQuotes = await app.inject({ method: 'GET', url: '/v1/quotes', headers: customer.headers });
      expectProblem(customerListsOwnQuotes, 403, 'forbidden');

      // None of the refused writes changed anything.
      const after = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(customer, token) });
      expect(after.json()).toMatchObject({ status: 'open', acceptedQuoteId: null });
      const mine = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: headersAfter(customer, token) });
      expect(idsOf(mine)).toEqual([request.id]);
    });

    it('only staff list dealers; only admins approve or suspend', async () => {
      const customer = await signUpCustomer(app, 'dealers-customer');
      const dealer = await activeDealer(app, ['seoul'], 'dealers-dealer');
      const pending = await signUpDealer(app, ['seoul'], 'dealers-pending');

      expectProblem(await app.inject({ method: 'GET', url: '/v1/dealers', headers: customer.headers }), 403, 'forbidden');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/dealers', headers: dealer.headers }), 403, 'forbidden');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/dealers/${dealer.account.id}`, headers: customer.headers }), 403, 'forbidden');
      for (const actor of [customer, dealer, analyst]) {
        expectProblem(await app.inject({ method: 'POST', url: `/v1/dealers/${pending.account.id}/approve`, headers: actor.headers }), 403, 'forbidden');
        expectProblem(await app.inject({ method: 'POST', url: `/v1/dealers/${dealer.account.id}/suspend`, headers: actor.headers }), 403, 'forbidden');
      }
      // The pending dealer is still pending, the active one still active.
      const pendingNow = await app.inject({ method: 'GET', url: `/v1/dealers/${pending.account.id}`, headers: headersAfter(admin, pending.consistencyToken) });
      expect(pendingNow.json()).toMatchObject({ status: 'pending_review', reviewedBy: null });
      const activeNow = await app.inject({ method: 'GET', url: `/v1/dealers/${dealer.account.id}`, headers: headersAfter(analyst, dealer.consistencyToken) });
      expect(activeNow.json()).toMatchObject({ status: 'active', reviewedBy: admin.account.id });
    });

    it('an admin approves and suspends; invalid transitions are 409; a non-dealer id is 404', async () => {
      const pending = await signUpDealer(app, ['busan'], 'review-dealer');
      const listed = await app.inject({ method: 'GET', url: '/v1/dealers?status=pending_review&limit=100', headers: headersAfter(admin, pending.consistencyToken) });
      expect(listed.statusCode).toBe(200);
      // Newest first and this dealer was just created, so it is on the first page.
      expect(idsOf(listed)).toContain(pending.account.id);

      const approved = await app.inject({ method: 'POST', url: `/v1/dealers/${pending.account.id}/approve`, headers: admin.headers });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(approved.json()).toMatchObject({ status: 'active', reviewedBy: admin.account.id });
      expectProblem(await app.inject({ method: 'POST', url: `/v1/dealers/${pending.account.id}/approve`, headers: admin.headers }), 409, 'invalid_dealer_status');

      const suspended = await app.inject({ method: 'POST', url: `/v1/dealers/${pending.account.id}/suspend`, headers: admin.headers });
      expect(suspended.json()).toMatchObject({ status: 'suspended' });
      expectProblem(await app.inject({ method: 'POST', url: `/v1/dealers/${pending.account.id}/suspend`, headers: admin.headers }), 409, 'invalid_dealer_status');

      const customer = await signUpCustomer(app, 'not-a-dealer');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/dealers/${customer.account.id}/approve`, headers: admin.headers }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'POST', url: '/v1/dealers/999999999/approve', headers: admin.headers }), 404, 'not_found');
    });
  });

  describe('customers see only their own', () => {
    it("another customer's request, its quotes and its actions are all 404, and it is not in their list", async () => {
      const owner = await signUpCustomer(app, 'owner');
      const stranger = await signUpCustomer(app, 'stranger');
      const dealer = await activeDealer(app, ['seoul'], 'owner-dealer');
      const { request, token } = await createQuoteRequest(app, owner, quoteRequestBody(trim.id));
      const { quote, token: quoteToken } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);
      const strangerHeaders = headersAfter(stranger, quoteToken);

      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: strangerHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: strangerHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quotes/${quote.id}`, headers: strangerHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quotes/${quote.id}/revisions`, headers: strangerHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/cancel`, headers: strangerHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: strangerHeaders, payload: { quoteId: quote.id } }), 404, 'not_found');
      // The 404 for a real id reads exactly like the one for an id that does not exist.
      const missing = expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests/999999999', headers: strangerHeaders }), 404, 'not_found');
      const hidden = expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: strangerHeaders }), 404, 'not_found');
      expect(hidden.detail.replace(String(request.id), 'N')).toBe(missing.detail.replace('999999999', 'N'));
      expect(idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: strangerHeaders }))).toEqual([]);
      expectProblem(await app.inject({ method: 'GET', url: `/v1/dealers/${dealer.account.id}`, headers: strangerHeaders }), 403, 'forbidden');

      // The stranger's attempts left the request open, and the owner still sees everything.
      const own = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(owner, quoteToken) });
      expect(own.json()).toMatchObject({ status: 'open', customerId: owner.account.id });
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(owner, quoteToken) }))).toEqual([quote.id]);
    });
  });

  describe('dealers', () => {
    it('a pending dealer is refused (dealer_not_active) listing requests, reading one, quoting and listing quotes', async () => {
      const customer = await signUpCustomer(app, 'pending-customer');
      const pending = await signUpDealer(app, ['seoul'], 'pending-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const headers = headersAfter(pending, token);
      expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests', headers }), 403, 'dealer_not_active');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers }), 403, 'dealer_not_active');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/quotes', headers }), 403, 'dealer_not_active');
      const quoting = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil() } });
      expectProblem(quoting, 403, 'dealer_not_active');
      // The refused quote was not stored.
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(customer, token) }))).toEqual([]);
      // The dealer can still see their own account.
      expect((await app.inject({ method: 'GET', url: '/v1/me', headers })).json()).toMatchObject({ status: 'pending_review' });
    });

    it('an active dealer sees open requests only in their regions', async () => {
      const customer = await signUpCustomer(app, 'regions-customer');
      const seoulDealer = await activeDealer(app, ['seoul'], 'seoul-only');
      const busanDealer = await activeDealer(app, ['busan', 'ulsan'], 'busan-dealer');
      const seoul = await createQuoteRequest(app, customer, quoteRequestBody(trim.id, { region: 'seoul' }));
      const busan = await createQuoteRequest(app, { ...customer, headers: headersAfter(customer, seoul.token) }, quoteRequestBody(trim.id, { region: 'busan' }));
      const seoulHeaders = headersAfter(seoulDealer, busan.token);
      const busanHeaders = headersAfter(busanDealer, busan.token);

      const seoulList = idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: seoulHeaders }));
      expect(seoulList).toContain(seoul.request.id);
      expect(seoulList).not.toContain(busan.request.id);
      expect(idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?region=busan&limit=100', headers: seoulHeaders }))).toEqual([]);
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${busan.request.id}`, headers: seoulHeaders }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${busan.request.id}/quotes`, headers: seoulHeaders }), 404, 'not_found');
      const quoting = await app.inject({ method: 'POST', url: `/v1/quote-requests/${busan.request.id}/quotes`, headers: seoulHeaders, payload: { priceKrw: busan.request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil() } });
      expectProblem(quoting, 404, 'not_found');

      const busanList = idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: busanHeaders }));
      expect(busanList).toContain(busan.request.id);
      expect(busanList).not.toContain(seoul.request.id);
      expect((await app.inject({ method: 'GET', url: `/v1/quote-requests/${busan.request.id}`, headers: busanHeaders })).statusCode).toBe(200);
    });

    it('a dealer sees only their own quotes on a request; a closed request stays visible only to dealers who quoted', async () => {
      const customer = await signUpCustomer(app, 'own-quotes-customer');
      const [first, second, bystander] = await Promise.all([
        activeDealer(app, ['seoul'], 'own-a'),
        activeDealer(app, ['seoul'], 'own-b'),
        activeDealer(app, ['seoul'], 'own-bystander'),
      ]);
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      const a = await submitQuote(app, { ...first!, headers: headersAfter(first!, token) }, request);
      const b = await submitQuote(app, { ...second!, headers: headersAfter(second!, a.token) }, request);
      const latest = b.token;

      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(first!, latest) }))).toEqual([a.quote.id]);
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(second!, latest) }))).toEqual([b.quote.id]);
      expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: headersAfter(bystander!, latest) }))).toEqual([]);
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quotes/${b.quote.id}`, headers: headersAfter(first!, latest) }), 404, 'not_found');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quotes/${b.quote.id}/revisions`, headers: headersAfter(first!, latest) }), 404, 'not_found');
      const hijack = await app.inject({ method: 'PATCH', url: `/v1/quotes/${b.quote.id}`, headers: headersAfter(first!, latest), payload: { priceKrw: request.listPriceKrw - 10, conditions: '', validUntil: validUntil() } });
      expectProblem(hijack, 404, 'not_found');
      expectProblem(await app.inject({ method: 'POST', url: `/v1/quotes/${b.quote.id}/withdraw`, headers: headersAfter(first!, latest) }), 404, 'not_found');
      const untouched = await app.inject({ method: 'GET', url: `/v1/quotes/${b.quote.id}`, headers: headersAfter(second!, latest) });
      expect(untouched.json()).toMatchObject({ revision: 1, status: 'active', priceKrw: request.listPriceKrw - 1_000_000 });

      const accepted = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: customer.headers, payload: { quoteId: a.quote.id } });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const afterAccept = String(accepted.headers['x-consistency-token']);
      for (const quoted of [first!, second!]) {
        const seen = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(quoted, afterAccept) });
        expect(seen.json()).toMatchObject({ status: 'accepted' });
      }
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(bystander!, afterAccept) }), 404, 'not_found');
      expect(idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: headersAfter(bystander!, afterAccept) }))).not.toContain(request.id);
    });

    it('a suspended dealer can no longer refresh or log in, and their remaining access token reads nothing', async () => {
      const customer = await signUpCustomer(app, 'suspension-customer');
      const dealer = await activeDealer(app, ['seoul'], 'suspended-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
      expect((await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(dealer, token) })).statusCode).toBe(200);

      const suspended = await app.inject({ method: 'POST', url: `/v1/dealers/${dealer.account.id}/suspend`, headers: admin.headers });
      expect(suspended.statusCode, suspended.body).toBe(200);
      const afterSuspension = headersAfter(dealer, suspended.headers['x-consistency-token']);

      expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: dealer.refreshToken } }), 401, 'unauthenticated');
      expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: dealer.account.email, password: 'correct horse battery staple' } }), 403, 'account_suspended');
      expectProblem(await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: afterSuspension }), 403, 'dealer_not_active');
      expectProblem(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: afterSuspension }), 403, 'dealer_not_active');
      const quoting = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: afterSuspension, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil() } });
      expectProblem(quoting, 403, 'dealer_not_active');

      // Approval again restores access, but not the revoked session: a new login is needed.
      expect((await app.inject({ method: 'POST', url: `/v1/dealers/${dealer.account.id}/approve`, headers: admin.headers })).statusCode).toBe(200);
      expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: dealer.refreshToken } }), 401, 'unauthenticated');
      expect((await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: dealer.account.email, password: 'correct horse battery staple' } })).statusCode).toBe(200);
    });
  });

  describe('analysts and admins', () => {
    it('an analyst reads everything, including requests in any region and closed ones, but writes nothing', async () => {
      const customer = await signUpCustomer(app, 'analyst-customer');
      const dealer = await activeDealer(app, ['jeju'], 'analyst-dealer');
      const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id, { region: 'jeju' }));
      const { quote, token: quoteToken } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);
      const cancelled = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/cancel`, headers: customer.headers });
      expect(cancelled.statusCode).toBe(200);
      const latest = String(cancelled.headers['x-consistency-token'] ?? quoteToken);

      for (const staff of [analyst, admin]) {
        const headers = headersAfter(staff, latest);
        expect((await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers })).json()).toMatchObject({ id: request.id, status: 'cancelled' });
        expect(idsOf(await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers }))).toEqual([quote.id]);
        expect((await app.inject({ method: 'GET', url: `/v1/quotes/${quote.id}`, headers })).json()).toMatchObject({ id: quote.id, status: 'closed' });
        expect((await app.inject({ method: 'GET', url: `/v1/quotes/${quote.id}/revisions`, headers })).json()).toHaveLength(1);
        expect(idsOf(await app.inject({ method: 'GET', url: '/v1/quote-requests?region=jeju&status=cancelled&limit=100', headers }))).toContain(request.id);
        expect((await app.inject({ method: 'GET', url: `/v1/dealers/${dealer.account.id}`, headers })).json()).toMatchObject({ regions: ['jeju'] });
      }

      const open = await createQuoteRequest(app, { ...customer, headers: headersAfter(customer, latest) }, quoteRequestBody(trim.id, { region: 'jeju' }));
      const writes = [
        app.inject({ method: 'POST', url: '/v1/quote-requests', headers: analyst.headers, payload: quoteRequestBody(trim.id) }),
        app.inject({ method: 'POST', url: `/v1/quote-requests/${open.request.id}/cancel`, headers: analyst.headers }),
        app.inject({ method: 'POST', url: `/v1/quote-requests/${open.request.id}/quotes`, headers: analyst.headers, payload: { priceKrw: open.request.listPriceKrw - 1, conditions: '', validUntil: validUntil() } }),
        app.inject({ method: 'PATCH', url: `/v1/quotes/${quote.id}`, headers: analyst.headers, payload: { priceKrw: request.listPriceKrw - 1, conditions: '', validUntil: validUntil() } }),
        app.inject({ method: 'POST', url: `/v1/quotes/${quote.id}/withdraw`, headers: analyst.headers }),
        app.inject({ method: 'POST', url: `/v1/dealers/${dealer.account.id}/suspend`, headers: analyst.headers }),
      ];
      for (const response of await Promise.all(writes)) expectProblem(response, 403, 'forbidden');
      const still = await app.inject({ method: 'GET', url: `/v1/quote-requests/${open.request.id}`, headers: headersAfter(analyst, open.token) });
      expect(still.json()).toMatchObject({ status: 'open' });
    });
  });
});
