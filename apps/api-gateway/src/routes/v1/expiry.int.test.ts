/** Time-dependent rules over HTTP, with a clock the test moves: expired quotes and requests. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '@chucar/domain';
import { testDatabaseName } from '@chucar/platform/testing';
import { buildApp, type GatewayApp } from '../../app.ts';
import { loadGatewayConfig } from '../../config.ts';
import { activeDealer, quoteRequestBody, signUpCustomer, someTrim } from '../../testing/test-app.ts';

const HOUR_MS = 3_600_000;

describe('expiry over HTTP', () => {
  let app: GatewayApp;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    const config = loadGatewayConfig({ ...process.env, NODE_ENV: 'test', DB_NAME: testDatabaseName, REQUEST_TTL_DAYS: '3', RATE_LIMIT_MAX: '100000' });
    app = await buildApp(config, { logger: false, clock });
    await app.ready();
  });
  afterAll(() => app?.close());

  it('a quote past its valid-until reads expired and cannot be accepted (409); the request stays open', async () => {
    offsetMs = 0;
    const customer = await signUpCustomer(app, 'expiry-quote');
    const dealer = await activeDealer(app, ['seoul'], 'expiry-dealer');
    const trim = await someTrim(app);
    const request = (await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id) })).json();
    const validUntil = new Date(clock.now().getTime() + HOUR_MS).toISOString();
    const quote = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/quotes`, headers: dealer.headers, payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil } });
    expect(quote.statusCode, quote.body).toBe(201);

    offsetMs = 2 * HOUR_MS;
    const token = { 'x-consistency-token': String(quote.headers['x-consistency-token']) };
    const read = await app.inject({ method: 'GET', url: `/v1/quotes/${quote.json().id}`, headers: { ...customer.headers, ...token } });
    expect(read.json().status).toBe('expired');
    const accept = await app.inject({ method: 'POST', url: `/v1/quote-requests/${request.id}/accept`, headers: { ...customer.headers, ...token }, payload: { quoteId: quote.json().id } });
    expect(accept.statusCode).toBe(409);
    expect(accept.json().code).toBe('quote_not_acceptable');
    const after = await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: { ...customer.headers, ...token } });
    expect(after.json().status).toBe('open');
  });

  it('a request past its TTL reads expired for everyone, takes no quotes (409) and leaves the open list', async () => {
    offsetMs = 0;
    const customer = await signUpCustomer(app, 'expiry-request');
    const dealer = await activeDealer(app, ['seoul'], 'expiry-dealer-2');
    const trim = await someTrim(app);
    const created = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id) });
    const token = { 'x-consistency-token': String(created.headers['x-consistency-token']) };

    offsetMs = 4 * 24 * HOUR_MS;
    const read = await app.inject({ method: 'GET', url: `/v1/quote-requests/${created.json().id}`, headers: { ...customer.headers, ...token } });
    expect(read.json().status).toBe('expired');
    const late = await app.inject({ method: 'POST', url: `/v1/quote-requests/${created.json().id}/quotes`, headers: { ...dealer.headers, ...token }, payload: { priceKrw: created.json().listPriceKrw - 500_000, conditions: '', validUntil: new Date(clock.now().getTime() + HOUR_MS).toISOString() } });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('request_not_open');
    const open = await app.inject({ method: 'GET', url: '/v1/quote-requests?status=open&limit=100', headers: { ...customer.headers, ...token } });
    expect(open.json().items.map((item: { id: number }) => item.id)).not.toContain(created.json().id);
  });
});
