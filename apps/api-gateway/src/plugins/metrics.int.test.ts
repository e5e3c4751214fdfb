/** Prometheus exposition: request durations by route, read-routing decisions, pool gauges. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, createQuoteRequest, headersAfter, quoteRequestBody, signUpCustomer, someTrim } from '../testing/test-app.ts';

/** The value of one sample line, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('/metrics', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app?.close());

  const scrape = async () => {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return response.body;
  };

  it('counts requests by route template and status', async () => {
    const trim = await someTrim(app);
    const before = sample(await scrape(), 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/catalog/trims/:id', status: '200' }) ?? 0;
    await app.inject({ method: 'GET', url: `/v1/catalog/trims/${trim.id}` });
    await app.inject({ method: 'GET', url: `/v1/catalog/trims/${trim.id}` });
    await app.inject({ method: 'GET', url: '/v1/catalog/trims/999999999' });
    const text = await scrape();
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/catalog/trims/:id', status: '200' })).toBe(before + 2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/v1/catalog/trims/:id', status: '404' })).toBeGreaterThanOrEqual(1);
    // Ids never become label values (that would explode the series count).
    expect(text).not.toContain(`/v1/catalog/trims/${trim.id}"`);
  });

  it('counts read routing decisions with a reason label', async () => {
    const trim = await someTrim(app);
    const customer = await signUpCustomer(app, 'metrics-customer');
    const total = (text: string) =>
      text.split('\n').filter((line) => line.startsWith('gateway_read_decisions_total{')).reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    const text0 = await scrape();
    expect(text0).toMatch(/^gateway_read_decisions_total\{reason="[a-z_]+"\} \d+/m);
    const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
    await app.inject({ method: 'GET', url: `/v1/quote-requests/${request.id}`, headers: headersAfter(customer, token) });
    await app.inject({ method: 'GET', url: '/v1/catalog/makers' });
    expect(total(await scrape())).toBeGreaterThanOrEqual(total(text0) + 2);
  });

  it('exposes database pool gauges for both servers', async () => {
    const text = await scrape();
    for (const server of ['primary', 'replica']) {
      for (const state of ['open', 'idle', 'waiting']) {
        expect(sample(text, 'db_pool_connections', { server, state }), `${server} ${state}`).toBeGreaterThanOrEqual(0);
      }
    }
    expect(sample(text, 'db_pool_connections', { server: 'primary', state: 'open' })).toBeGreaterThan(0);
  });
});
