/**
 * Redis unreachable: rate limits fail open (the marketplace keeps serving), readiness reports the
 * instance degraded (it still serves, so the load balancer keeps it), and no request waits for
 * Redis longer than its timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import type { GatewayApp } from '../app.ts';
import { buildTestApp } from '../testing/test-app.ts';

describe('Redis outage', () => {
  let app: GatewayApp;

  beforeAll(async () => {
    const port = await unusedLoopbackPort();
    app = await buildTestApp({ REDIS_PORT: String(port), REDIS_CONNECT_TIMEOUT_MS: '300', RATE_LIMIT_MAX: '2' });
  });
  afterAll(() => app?.close());

  it('keeps serving past the rate limit it cannot check', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/catalog/makers' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('is degraded but stays ready, and says why', async () => {
    const started = Date.now();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ service: 'api-gateway', status: 'degraded', checks: { redis: { status: 'down', critical: false, detail: expect.stringContaining('rate limits fail open') }, primary: { status: 'up', critical: false } } });
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
