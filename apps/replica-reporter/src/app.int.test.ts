import { afterEach, describe, expect, it } from 'vitest';
import { localStackSettings, testDatabaseName } from '@chucar/platform/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { loadReporterConfig } from './config.ts';

describe('reporter readiness guards the replica-only rule (real servers)', () => {
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  it('is ready against the read-only replica', async () => {
    app = await buildApp(loadReporterConfig({ ...process.env, REPORTER_DB_NAME: testDatabaseName }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ service: 'replica-reporter', status: 'ready', checks: { replica: { status: 'up', critical: true, detail: 'read_only' } } });
  });

  it('refuses to be ready when pointed at the writable primary', async () => {
    const primaryPort = String(localStackSettings().DB_PRIMARY_PORT);
    app = await buildApp(loadReporterConfig({ ...process.env, REPORTER_DB_NAME: testDatabaseName, REPORTER_DB_PORT: primaryPort }), { logger: false });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'not_ready', checks: { replica: { status: 'down', detail: expect.stringMatching(/NOT read-only/) } } });
  });
});
