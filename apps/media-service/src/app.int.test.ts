import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { buildApp } from './app.ts';
import { loadMediaConfig } from './config.ts';

describe('media service readiness (real Redis and S3 server)', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('is ready with Redis and the bucket reachable', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ service: 'media-service', status: 'ready', checks: { storage: { status: 'up', critical: false }, redis: { status: 'up', critical: true } } });
  });

  it('stays ready while S3 is down (uploads will wait in the spool), and says storage is down', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env, S3_ENDPOINT: `http://127.0.0.1:${await unusedLoopbackPort()}`, S3_TIMEOUT_MS: '500' }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { storage: { status: 'down', detail: expect.any(String) }, redis: { status: 'up' } } });
  });

  it('is not ready without Redis', async () => {
    app = await buildApp(loadMediaConfig({ ...process.env, REDIS_PORT: String(await unusedLoopbackPort()), REDIS_CONNECT_TIMEOUT_MS: '300' }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { redis: { status: 'down', detail: expect.stringContaining('uploads cannot be queued') } } });
  });
});
