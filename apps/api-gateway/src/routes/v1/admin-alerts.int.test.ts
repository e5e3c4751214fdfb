import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import { startAlertmanager, type RunningAlertmanager } from '../../testing/alertmanager.ts';
import { activeDealer, buildTestApp, expectProblem, signInStaff, signUpCustomer, type Session } from '../../testing/test-app.ts';

const TIMEOUT_MS = 1000;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, '.000Z');

type Listed = { alerts: { name: string; severity: string; summary: string | null; description: string | null; runbookUrl: string | null; startsAt: string; labels: Record<string, string>; state: string; fingerprint: string }[] };

describe('GET /v1/admin/alerts reads the alerts firing now from a real Alertmanager', () => {
  let alertmanager: RunningAlertmanager;
  let app: GatewayApp;
  let admin: Session;
  const mediaLostSince = minutesAgo(3);

  beforeAll(async () => {
    alertmanager = await startAlertmanager();
    app = await buildTestApp({ ALERTMANAGER_URL: alertmanager.url, ALERTMANAGER_TIMEOUT_MS: String(TIMEOUT_MS) });
    admin = await signInStaff(app, 'admin');
    await alertmanager.postAlerts([
      { labels: { alertname: 'Watchdog', severity: 'none' }, annotations: { summary: 'Alerting works' }, startsAt: minutesAgo(60) },
      { labels: { alertname: 'ReplicaLagHigh', severity: 'warning', job: 'mysqld', server: 'replica' }, startsAt: minutesAgo(10) },
      { labels: { alertname: 'GatewayInstanceDown', severity: 'page', job: 'api-gateway', instance: '127.0.0.1:3010' }, startsAt: minutesAgo(1) },
      {
        labels: { alertname: 'MediaLost', severity: 'page', job: 'media-worker' },
        annotations: { summary: 'An accepted upload is lost', description: 'Both copies fail their checksum', runbook_url: 'docs/operations.md#medialost' },
        startsAt: mediaLostSince,
      },
      { labels: { alertname: 'DiskAlmostFull', severity: 'critical' }, startsAt: minutesAgo(5) },
      { labels: { alertname: 'MediaQueueStuck', severity: 'warning' }, startsAt: minutesAgo(20) },
    ]);
    await alertmanager.silence('MediaQueueStuck');
  });
  afterAll(async () => {
    await app?.close();
    await alertmanager?.stop();
  });

  it('lists them with their fields, page first, then the longest firing first; silenced alerts are left out', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/admin/alerts', headers: admin.headers });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const { alerts } = response.json() as Listed;
    expect(alerts.map((alert) => [alert.name, alert.severity])).toEqual([
      ['MediaLost', 'page'],
      ['GatewayInstanceDown', 'page'],
      ['ReplicaLagHigh', 'warning'],
      ['DiskAlmostFull', 'unknown'],
      ['Watchdog', 'none'],
    ]);
    expect(alerts[0]).toEqual({
      name: 'MediaLost',
      severity: 'page',
      summary: 'An accepted upload is lost',
      description: 'Both copies fail their checksum',
      runbookUrl: 'docs/operations.md#medialost',
      startsAt: mediaLostSince,
      labels: { alertname: 'MediaLost', severity: 'page', job: 'media-worker' },
      state: 'active',
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(alerts[2]).toMatchObject({ summary: null, description: null, runbookUrl: null, labels: { job: 'mysqld', server: 'replica' } });
    // The unknown severity keeps its own value in the labels.
    expect(alerts[3]!.labels['severity']).toBe('critical');
    // Nothing here was read from the database, so no freshness is claimed.
    expect(response.headers['x-read-source']).toBeUndefined();
  });

  it('is for admins only: 401 without a valid token, 403 for analysts, dealers and customers', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/v1/admin/alerts' }), 401, 'unauthenticated');
    expectProblem(await app.inject({ method: 'GET', url: '/v1/admin/alerts', headers: { authorization: 'Bearer not-a-token' } }), 401, 'unauthenticated');
    const others = [await signInStaff(app, 'analyst'), await activeDealer(app, ['seoul'], 'alerts-dealer'), await signUpCustomer(app, 'alerts-customer')];
    for (const caller of others) {
      const refused = expectProblem(await app.inject({ method: 'GET', url: '/v1/admin/alerts', headers: caller.headers }), 403, 'forbidden');
      expect(refused.detail).toContain('admin');
    }
  });

  it('is in the OpenAPI document, with its alert schema and its error answers', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = document.paths['/v1/admin/alerts']?.get;
    expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['200', '401', '403', '503']));
    const alert = operation.responses['200'].content['application/json'].schema.properties.alerts.items;
    expect(Object.keys(alert.properties)).toEqual(expect.arrayContaining(['name', 'severity', 'summary', 'description', 'runbookUrl', 'startsAt', 'labels', 'state']));
    expect(alert.properties.severity.enum).toEqual(['page', 'warning', 'info', 'none', 'unknown']);
    expect(operation.responses['200'].headers?.['x-read-source']).toBeUndefined();
  });

  it('503 alerting_unavailable when the URL reaches Alertmanager under a path that is not its API', async () => {
    const misdirected = await buildTestApp({ ALERTMANAGER_URL: `${alertmanager.url}/not-alertmanager` });
    try {
      const problem = expectProblem(await misdirected.inject({ method: 'GET', url: '/v1/admin/alerts', headers: admin.headers }), 503, 'alerting_unavailable');
      expect(problem.detail).toMatch(/answered HTTP 404/);
    } finally {
      await misdirected.close();
    }
  });

  // Last: it stops the Alertmanager the tests above read.
  it('503 alerting_unavailable with Retry-After, at once, once Alertmanager has stopped', async () => {
    await alertmanager.stop();
    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/v1/admin/alerts', headers: admin.headers });
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    const problem = expectProblem(response, 503, 'alerting_unavailable');
    expect(problem.detail).toMatch(/unreachable/);
    expect(response.headers['retry-after']).toBe('15');
  });
});

describe('GET /v1/admin/alerts when Alertmanager hangs', () => {
  it('503 alerting_unavailable within ALERTMANAGER_TIMEOUT_MS, whether nothing answers or the answer stops halfway', async () => {
    const hangingServers = [
      // Accepts the connection and never answers.
      net.createServer(() => {}),
      // Sends its status line and headers, then never the body it announced.
      net.createServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[{"labels":'))),
    ];
    const timeoutMs = 300;
    try {
      for (const server of hangingServers) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const gateway = await buildTestApp({ ALERTMANAGER_URL: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, ALERTMANAGER_TIMEOUT_MS: String(timeoutMs) });
        try {
          const admin = await signInStaff(gateway, 'admin');
          const started = performance.now();
          const response = await gateway.inject({ method: 'GET', url: '/v1/admin/alerts', headers: admin.headers });
          const elapsedMs = performance.now() - started;
          const problem = expectProblem(response, 503, 'alerting_unavailable');
          expect(problem.detail).toContain(`did not answer within ${timeoutMs} ms`);
          expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 20);
          expect(elapsedMs).toBeLessThan(timeoutMs + 1000);
        } finally {
          await gateway.close();
        }
      }
    } finally {
      for (const server of hangingServers) server.close();
    }
  });
});
