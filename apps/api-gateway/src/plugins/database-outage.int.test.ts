/**
 * A primary that accepts TCP connections but never answers (a hung server, the worst case):
 * requests must end in a 503 with Retry-After within the configured timeouts, never hang.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, uniqueEmail, testPassword } from '../testing/test-app.ts';

describe('primary outage', () => {
  let blackhole: net.Server;
  const sockets = new Set<net.Socket>();
  let app: GatewayApp;

  beforeAll(async () => {
    blackhole = net.createServer((socket) => {
      sockets.add(socket); // accept and stay silent
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const port = (blackhole.address() as net.AddressInfo).port;
    app = await buildTestApp({ DB_PRIMARY_PORT: String(port), DB_CONNECT_TIMEOUT_MS: '500', DB_QUERY_TIMEOUT_MS: '1000' });
  });

  afterAll(async () => {
    await app?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  it('answers a write with 503 problem+json and Retry-After within the connect timeout', async () => {
    const started = Date.now();
    const response = await app.inject({ method: 'POST', url: '/v1/auth/customers', payload: { email: uniqueEmail('outage'), password: testPassword, displayName: 'x' } });
    expect(response.statusCode, response.body).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(Date.now() - started).toBeLessThan(10_000); // bounded by the timeouts, not a hang
  });

  it('reports not ready, while catalog reads keep coming from the healthy replica', async () => {
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { primary: { status: 'down' }, replica: { status: 'up' } } });
    const makers = await app.inject({ method: 'GET', url: '/v1/catalog/makers' });
    expect(makers.statusCode, makers.body).toBe(200);
    expect(makers.json().length).toBeGreaterThan(0);
  });
});
