import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadMediaConfig } from './config.ts';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('media service readiness (real Redis and S3 server)', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('is ready with Redis and the bucket reachable', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { storage: 'up', queue: 'up' } });
  });

  it('stays ready while S3 is down (uploads will wait in the spool), and says storage is down', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env, S3_ENDPOINT: `http://127.0.0.1:${await closedPort()}`, S3_TIMEOUT_MS: '500' }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.storage).toMatch(/^down/);
  });

  it('is not ready without Redis', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env, REDIS_PORT: String(await closedPort()), REDIS_CONNECT_TIMEOUT_MS: '300' }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.queue).toMatch(/^down/);
  });
});
