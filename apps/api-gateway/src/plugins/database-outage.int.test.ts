/**
 * The primary becomes unreachable for this gateway only: it connects to the shared primary through
 * a loopback proxy the test cuts, so the shared stack's primary never stops. The gateway must stay
 * in rotation (readiness `degraded`, 200), serve reads from the replica, refuse writes at once with
 * 503 problem+json, and accept writes again by itself once the primary answers.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStackSettings, startCuttableProxy, type CuttableProxy } from '@chucar/platform/testing';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, signUpCustomer, testPassword, uniqueEmail, type Session } from '../testing/test-app.ts';

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(['refuse', 'blackhole'] as const)('primary unreachable (%s)', (mode) => {
  let proxy: CuttableProxy;
  let app: GatewayApp;
  let customer: Session;
  const signUp = () => app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: uniqueEmail('outage'), password: testPassword, displayName: 'x' } });
  const readiness = async () => (await app.inject({ method: 'GET', url: '/health/ready' })).json() as { status: string; checks: Record<string, { status: string; critical: boolean; detail?: string }> };

  beforeAll(async () => {
    proxy = await startCuttableProxy({ host: '127.0.0.1', port: localStackSettings().DB_PRIMARY_PORT });
    app = await buildTestApp({ DB_PRIMARY_PORT: String(proxy.port), DB_CONNECT_TIMEOUT_MS: '1000', DB_QUERY_TIMEOUT_MS: '2000', PRIMARY_CHECK_INTERVAL_MS: '200' });
    customer = await signUpCustomer(app, 'outage');
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
  });

  it('stays ready for the balancer (degraded, 200), serves reads, refuses writes at once, and takes writes again when the primary is back', async () => {
    expect((await readiness()).status).toBe('ready');
    await proxy.cut(mode);
    await waitFor('readiness to report the primary down', async () => (await readiness()).checks['primary']?.status === 'down');

    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { primary: { status: 'down', critical: false }, replica: { status: 'up' } } });
    expect(ready.json().checks.primary.detail).toMatch(/writes answer 503/);
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/db_server_available\{server="primary"\} 0/);
    expect(metrics).toMatch(/service_readiness\{status="degraded"\} 1/);

    const started = performance.now();
    const write = await signUp();
    const writeMs = performance.now() - started;
    expect(write.statusCode, write.body).toBe(503);
    expect(write.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(write.headers['retry-after']).toBe('5');
    expect(write.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
    // Refused at once by the circuit, not after a pool or connect wait.
    expect(writeMs).toBeLessThan(2000);

    const makers = await app.inject({ method: 'GET', url: '/v1/catalog/makers' });
    expect(makers.statusCode, makers.body).toBe(200);
    expect(makers.headers['x-read-source']).toBe('replica');
    // The customer's own list, with the token of their sign-up: the replica has it, so it is read there.
    const mine = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: customer.headers });
    expect(mine.statusCode, mine.body).toBe(200);

    await proxy.restore();
    await waitFor('readiness to report the primary up', async () => (await readiness()).status === 'ready');
    const again = await signUp();
    expect(again.statusCode, again.body).toBe(201);
  });
});

describe('primary unreachable at start', () => {
  it('starts degraded rather than not ready, and refuses writes', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const app = await buildTestApp({ DB_PRIMARY_PORT: String(port), DB_CONNECT_TIMEOUT_MS: '500' });
    try {
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'degraded', checks: { primary: { status: 'down' } } });
      const write = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: uniqueEmail('outage'), password: testPassword, displayName: 'x' } });
      expect(write.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});
