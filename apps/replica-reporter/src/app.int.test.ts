import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { localStackSettings } from '@chucar/platform/testing';
import { buildApp } from './app.ts';
import { reporterTestConfig } from './testing/reporter-test-config.ts';

describe('reporter readiness guards the replica-only rule (real servers)', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('is ready against the read-only replica, stating its lag', async () => {
    app = await buildApp(reporterTestConfig(), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ service: 'replica-reporter', status: 'ready', checks: { replica: { status: 'up', critical: true, detail: expect.stringMatching(/^read-only replica, replication running, SELECT only; lag [\d.]+ s$/) } } });
  });

  it('refuses to be ready when pointed at the writable primary', async () => {
    app = await buildApp(reporterTestConfig({ REPORTER_DB_PORT: String(localStackSettings().DB_PRIMARY_PORT) }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { replica: { status: 'down', detail: expect.stringMatching(/writable \(@@read_only = 0\)/) } } });
  });
});
