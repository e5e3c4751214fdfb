import { afterEach, describe, expect, it } from 'vitest';
import { signServiceToken } from '@chucar/platform';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { buildTestApp, type MediaTestApp } from '../testing/api-test-support.ts';

describe('media service readiness (real MariaDB, Redis and S3 server)', () => {
  let media: MediaTestApp | undefined;
  afterEach(() => media?.dispose());

  it('is ready with the spool, the primary, Redis and the bucket reachable', async () => {
    media = await buildTestApp();
    const ready = await media.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      service: 'media-service',
      status: 'ready',
      checks: { spool: { status: 'up', critical: true }, primary: { status: 'up', critical: true }, storage: { status: 'up', critical: false }, redis: { status: 'up', critical: true } },
    });
  });

  it('stays ready while S3 is down (uploads will wait in the spool), and says storage is down', async () => {
    media = await buildTestApp({ S3_ENDPOINT: `http://127.0.0.1:${await unusedLoopbackPort()}`, S3_TIMEOUT_MS: '500' });
    const ready = await media.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { storage: { status: 'down', detail: expect.any(String) }, redis: { status: 'up' } } });
  });

  it('is not ready without Redis', async () => {
    media = await buildTestApp({ REDIS_PORT: String(await unusedLoopbackPort()), REDIS_CONNECT_TIMEOUT_MS: '300' });
    const ready = await media.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { redis: { status: 'down', detail: expect.stringContaining('uploads cannot be queued') } } });
  });

  it('exposes upload and spool metrics', async () => {
    media = await buildTestApp();
    const metrics = await media.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/^media_spool_bytes\{state="free"\} \d+/m);
    expect(metrics.body).toContain('# TYPE media_upload_accept_seconds histogram');
    expect(metrics.body).toContain('# TYPE media_uploads_rejected_total counter');
  });
});

describe('only the gateway may call the media service (a service token)', () => {
  let media: MediaTestApp | undefined;
  afterEach(() => media?.dispose());
  const someId = '0b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';

  it('refuses a direct call without a token with 401 problem+json, on every route but health and metrics', async () => {
    media = await buildTestApp();
    for (const [method, url] of [['POST', '/v1/media'], ['GET', `/v1/media/${someId}`], ['DELETE', `/v1/media/${someId}`], ['POST', '/v1/uploads'], ['GET', '/v1/no-such-route']] as const) {
      const response = await media.app.inject({ method, url, headers: { 'content-type': 'image/jpeg', 'tus-resumable': '1.0.0' }, payload: method === 'POST' ? Buffer.from('x') : undefined });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ code: 'service_token_invalid' });
    }
    for (const url of ['/health/live', '/health/ready', '/metrics']) expect((await media.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
  });

  it('refuses tokens signed with another secret, for another service, or naming an unknown role', async () => {
    media = await buildTestApp();
    const tokens = [
      signServiceToken('a-different-secret-that-is-long-enough-0123', { accountId: 1, role: 'customer', audience: 'media-service' }),
      signServiceToken(media.config.MEDIA_SERVICE_SECRET, { accountId: 1, role: 'customer', audience: 'replica-reporter' }),
      signServiceToken(media.config.MEDIA_SERVICE_SECRET, { accountId: 1, role: 'superuser', audience: 'media-service' }),
      'not.a.token',
    ];
    for (const token of tokens) {
      const response = await media.app.inject({ method: 'GET', url: `/v1/media/${someId}`, headers: { authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'service_token_invalid' });
    }
  });
});
