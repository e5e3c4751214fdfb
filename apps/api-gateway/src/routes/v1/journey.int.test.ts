import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import { activeDealer, buildTestApp, quoteRequestBody, signUpCustomer, someTrim, validUntil, type Session } from '../../testing/test-app.ts';

describe('the marketplace journey over HTTP (real primary and replica)', () => {
  let app: GatewayApp;
  let trim: Awaited<ReturnType<typeof someTrim>>;
  beforeAll(async () => {
    app = await buildTestApp();
    trim = await someTrim(app);
  });
  afterAll(() => app?.close());

  it('customer asks, two dealers quote, one revises, the customer accepts, the other quote closes', async () => {
    const customer = await signUpCustomer(app, 'journey-customer');
    const seoulDealer = await activeDealer(app, ['seoul', 'gyeonggi'], 'seoul-dealer');
    const otherSeoulDealer = await activeDealer(app, ['seoul'], 'other-dealer');

    const created = await app.inject({
      method: 'POST',
      url: '/v1/quote-requests',
      headers: customer.headers,
      payload: quoteRequestBody(trim.id, { optionCodes: trim.optionCodes.slice(0, 1) }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const request = created.json();
    expect(request).toMatchObject({ status: 'open', region: 'seoul', trimId: trim.id, customerId: customer.account.id });
    expect(created.headers['location']).toBe(`/v1/quote-requests/${request.id}`);
    const afterCreate = { ...customer.headers, 'x-consistency-token': String(created.headers['x-consistency-token']) };
    expect(afterCreate['x-consistency-token']).toMatch(/^\d+-1-\d+$/);

    // The dealer finds it among the open requests of their regions.
    const open = await app.inject({ method: 'GET', url: '/v1/quote-requests?status=open&region=seoul&limit=100', headers: { ...seoulDealer.headers, 'x-consistency-token': afterCreate['x-consistency-token'] } });
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json().items.map((item: { id: number }) => item.id)).toContain(request.id);

    const price = request.listPriceKrw - 2_000_000;
    const quoted = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: seoulDealer.headers, payload: { priceKrw: price, conditions: '블랙박스 기본 장착', validUntil: validUntil(7) } });
    expect(quoted.statusCode, quoted.body).toBe(201);
    expect(quoted.json()).toMatchObject({ priceKrw: price, discountKrw: 2_000_000, revision: 1, status: 'active' });

    const revised = await app.inject({ method: 'PATCH', url: `/v1/quotes/${quoted.json().id}`, headers: seoulDealer.headers, payload: { priceKrw: price - 500_000, conditions: '틴팅 포함', validUntil: validUntil(10) } });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json()).toMatchObject({ revision: 2, discountKrw: 2_500_000 });

    const rival = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: otherSeoulDealer.headers, payload: { priceKrw: price + 100_000, conditions: '', validUntil: validUntil(5) } });
    expect(rival.statusCode, rival.body).toBe(201);

    const quotes = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}/quotes`, headers: { ...customer.headers, 'x-consistency-token': String(rival.headers['x-consistency-token']) } });
    expect(quotes.statusCode).toBe(200);
    expect(quotes.json().items).toHaveLength(2);

    const revisions = await app.inject({ method: 'GET', url: `/v1/quotes/${quoted.json().id}/revisions`, headers: { ...customer.headers, 'x-consistency-token': String(rival.headers['x-consistency-token']) } });
    expect(revisions.json().map((revision: { revision: number }) => revision.revision)).toEqual([1, 2]);

    const accepted = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: customer.headers, payload: { quoteId: quoted.json().id } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().request).toMatchObject({ status: 'accepted', acceptedQuoteId: quoted.json().id });
    const token = String(accepted.headers['x-consistency-token']);

    const rivalAfter = await app.inject({ method: 'GET', url: `/v1/quotes/${rival.json().id}`, headers: { ...otherSeoulDealer.headers, 'x-consistency-token': token } });
    expect(rivalAfter.json().status).toBe('closed');
    const mine = await app.inject({ method: 'GET', url: '/v1/quote-requests?status=accepted', headers: { ...customer.headers, 'x-consistency-token': token } });
    expect(mine.json().items.map((item: { id: number }) => item.id)).toEqual([request.id]);
  });

  it('two accepts racing on one request: exactly one wins, the other is a 409', async () => {
    const customer: Session = await signUpCustomer(app, 'race-customer');
    const dealers = await Promise.all([activeDealer(app, ['seoul'], 'race-a'), activeDealer(app, ['seoul'], 'race-b')]);
    const request = (await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id) })).json();
    const quoteIds: number[] = [];
    for (const dealer of dealers) {
      const quote = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: dealer.headers, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil(3) } });
      quoteIds.push(quote.json().id);
    }
    const outcomes = await Promise.all(quoteIds.map((quoteId) => app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: customer.headers, payload: { quoteId } })));
    expect(outcomes.map((outcome) => outcome.statusCode).sort()).toEqual([200, 409]);
    const loser = outcomes.find((outcome) => outcome.statusCode === 409)!;
    expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('concurrent revisions of one quote (real primary)', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app?.close());

  it('two revisions racing both land, as revisions 2 and 3, never as a duplicate', async () => {
    const trim = await someTrim(app);
    const customer = await signUpCustomer(app, 'revise-race');
    const dealer = await activeDealer(app, ['seoul'], 'revise-race-dealer');
    const request = (await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id) })).json();
    const quote = (await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: dealer.headers, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil(5) } })).json();
    const revise = (priceKrw: number) => app.inject({ method: 'PATCH', url: `/v1/quotes/${quote.id}`, headers: dealer.headers, payload: { priceKrw, conditions: '', validUntil: validUntil(6) } });
    const outcomes = await Promise.all([revise(request.listPriceKrw - 1_100_000), revise(request.listPriceKrw - 1_200_000)]);
    expect(outcomes.map((outcome) => outcome.statusCode)).toEqual([200, 200]);
    expect(outcomes.map((outcome) => outcome.json().revision).sort()).toEqual([2, 3]);
  });
});
