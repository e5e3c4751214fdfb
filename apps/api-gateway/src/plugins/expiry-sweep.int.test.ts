import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '@chucar/domain';
import type { GatewayApp } from '../app.ts';
import { buildApp } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';
import { testDatabaseName } from '@chucar/platform/testing';
import { quoteRequestBody, signUpCustomer, someTrim } from '../testing/test-app.ts';

describe('expiry sweep', () => {
  let app: GatewayApp;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    const config = loadGatewayConfig({ ...process.env, NODE_ENV: 'test', DB_NAME: testDatabaseName, REQUEST_TTL_DAYS: '1', EXPIRY_SWEEP_INTERVAL_MS: '1000', RATE_LIMIT_MAX: '100000' });
    app = await buildApp(config, { logger: false, clock });
    await app.ready();
  });
  afterAll(() => app?.close());

  it('persists expired on an overdue open request, which already reads as expired before the sweep', async () => {
    const customer = await signUpCustomer(app, 'expiry');
    const trim = await someTrim(app);
    const created = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trim.id) });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as number;
    const storedStatus = async () => (await app.databases.writer.db.selectFrom('quote_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await storedStatus()).toBe('open');

    offsetMs = 2 * 86_400_000; // two days later: past the one-day TTL
    const read = await app.inject({ method: 'GET', url: `/v1/quote-requests/${id}`, headers: { ...customer.headers, 'x-consistency-token': String(created.headers['x-consistency-token']) } });
    expect(read.json().status).toBe('expired');

    const deadline = Date.now() + 15_000;
    while ((await storedStatus()) !== 'expired' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await storedStatus()).toBe('expired');
  });
});
