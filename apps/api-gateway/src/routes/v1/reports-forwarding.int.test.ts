import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportJson, ReportList } from '@chucar/contracts';
import { startServiceProcess, testDatabaseName, unusedLoopbackPort } from '@chucar/platform/testing';
import type { GatewayApp } from '../../app.ts';
import { contractViolations, documentedParameters, documentedResponse, fetchOpenApiDocument } from '../../testing/contract.ts';
import { buildTestApp, expectProblem, signInStaff, signUpCustomer, type Session } from '../../testing/test-app.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const reporterSecret = 'gateway-reporter-test-secret-0123456789abcdef';
const query = 'from=2024-02-26&to=2024-03-10&granularity=week';

/** The real replica reporter as a process (the gateway may not import it), on the test database. */
async function startReporter(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await unusedLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const { stop } = await startServiceProcess({
    name: 'the reporter',
    entry: path.join(repoRoot, 'apps/replica-reporter/src/main.ts'),
    cwd: repoRoot,
    env: { REPORTER_PORT: String(port), REPORTER_DB_NAME: testDatabaseName, REPORTER_SERVICE_SECRET: reporterSecret },
    readyUrl: `${url}/health/ready`,
  });
  return { url, stop };
}

describe('/v1/reports forwards to the replica reporter (real reporter process)', () => {
  let reporter: Awaited<ReturnType<typeof startReporter>>;
  let app: GatewayApp;
  let analyst: Session;
  let customer: Session;

  beforeAll(async () => {
    reporter = await startReporter();
    app = await buildTestApp({ REPORTER_URL: reporter.url, REPORTER_SERVICE_SECRET: reporterSecret });
    analyst = await signInStaff(app, 'analyst');
    customer = await signUpCustomer(app, 'reports-customer');
  });
  afterAll(async () => {
    await app?.close();
    await reporter?.stop();
  });

  it('lists and runs reports for analysts, streaming the reporter’s answer with its freshness', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/reports', headers: analyst.headers });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().reports.map((report: { name: string }) => report.name)).toContain('media');

    const csv = await app.inject({ method: 'GET', url: `/v1/reports/volume?${query}&format=csv`, headers: analyst.headers });
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body.split('\r\n')[0]).toMatch(/dataAsOf=.* \| replicaLagSeconds=/);
    expect(csv.headers['x-data-as-of']).toMatch(/Z$/);
    expect(csv.headers['x-read-source']).toBe('replica');
    expect(Number(csv.headers['x-read-lag-bound-ms'])).toBeGreaterThanOrEqual(1000);

    const json = await app.inject({ method: 'GET', url: `/v1/reports/conversion?${query}`, headers: analyst.headers });
    expect(json.json()).toMatchObject({ report: 'conversion', timeZone: 'Asia/Seoul', replicaLagSeconds: expect.any(Number) });
  });

  it('refuses at the gateway what the reporter would refuse anyway: other roles, no token, a bad query', async () => {
    expectProblem(await app.inject({ method: 'GET', url: `/v1/reports/volume?${query}`, headers: customer.headers }), 403);
    expectProblem(await app.inject({ method: 'GET', url: '/v1/reports' }), 401);
    expectProblem(await app.inject({ method: 'GET', url: `/v1/reports/volume?${query}&granularity=year`, headers: analyst.headers }), 400);
    expectProblem(await app.inject({ method: 'GET', url: `/v1/reports/sales?${query}`, headers: analyst.headers }), 400);
    // A % that starts no escape: the forwarder cannot decode the URL, and says so instead of failing.
    expectProblem(await app.inject({ method: 'GET', url: '/v1/reports?%=1', headers: analyst.headers }), 400, 'bad_request');
    // An impossible date passes the pattern: the reporter's 422 comes back as it is.
    const impossible = expectProblem(await app.inject({ method: 'GET', url: '/v1/reports/volume?from=2024-02-30&to=2024-03-01', headers: analyst.headers }), 422);
    expect(impossible.errors?.map((error) => error.field)).toContain('from');
  });

  it('gets the reporter’s answers in the shape of the shared contract, which both documents state alike', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/reports', headers: analyst.headers });
    expect(contractViolations(ReportList, list.json())).toEqual([]);
    // A filtered report (its filters in params) and the media report (other columns, no filters).
    for (const url of [`/v1/reports/volume?${query}&region=seoul`, `/v1/reports/media?${query}`]) {
      const report = await app.inject({ method: 'GET', url, headers: analyst.headers });
      expect(report.statusCode, report.body).toBe(200);
      expect(contractViolations(ReportJson, report.json()), url).toEqual([]);
    }

    const gatewayDocument = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const reporterDocument = await fetchOpenApiDocument(reporter.url);
    expect(documentedResponse(reporterDocument, '/reports', 'get', 200)).toEqual(documentedResponse(gatewayDocument, '/v1/reports', 'get', 200));
    expect(documentedResponse(reporterDocument, '/reports/{name}', 'get', 200)).toEqual(documentedResponse(gatewayDocument, '/v1/reports/{name}', 'get', 200));
    expect(documentedParameters(reporterDocument, '/reports/{name}', 'get')).toEqual(documentedParameters(gatewayDocument, '/v1/reports/{name}', 'get'));
  });

  it('documents the routes in the gateway’s OpenAPI', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/reports', '/v1/reports/{name}']));
    expect(Object.keys(document.paths['/v1/reports/{name}'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '422', '503', '504']));
  });
});

describe('/v1/reports when the reporter is down or hangs', () => {
  it('503 reporter_unavailable when nothing listens, 504 reporter_timeout when it never answers', async () => {
    const closedPort = await unusedLoopbackPort();
    const down = await buildTestApp({ REPORTER_URL: `http://127.0.0.1:${closedPort}`, REPORTER_SERVICE_SECRET: reporterSecret });
    const hung = net.createServer(() => {});
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hangs = await buildTestApp({ REPORTER_URL: `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}`, REPORTER_SERVICE_SECRET: reporterSecret, REPORTER_TIMEOUT_MS: '300' });
    try {
      const analyst = await signInStaff(down, 'analyst');
      const unavailable = await down.inject({ method: 'GET', url: `/v1/reports/volume?${query}`, headers: analyst.headers });
      expectProblem(unavailable, 503, 'reporter_unavailable');
      expect(unavailable.headers['retry-after']).toBe('10');
      const timeout = await hangs.inject({ method: 'GET', url: `/v1/reports/volume?${query}`, headers: analyst.headers });
      expectProblem(timeout, 504, 'reporter_timeout');
    } finally {
      await down.close();
      await hangs.close();
      hung.close();
    }
  });

  it('a report the reporter cuts short reaches the client cut short, never as a complete answer', async () => {
    // The reporter streams rows as they are computed; if the replica fails halfway it can only drop the connection.
    const cutting = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/csv; charset=utf-8\r\ntransfer-encoding: chunked\r\n\r\n');
        const rows = 'period,requests\r\n2024-02-26 주,3\r\n';
        const chunk = `${Buffer.byteLength(rows).toString(16)}\r\n${rows}\r\n`;
        socket.write(chunk, () => setTimeout(() => socket.destroy(), 50)); // no closing 0-length chunk
      });
    });
    await new Promise<void>((resolve) => cutting.listen(0, '127.0.0.1', resolve));
    const gateway = await buildTestApp({ REPORTER_URL: `http://127.0.0.1:${(cutting.address() as net.AddressInfo).port}`, REPORTER_SERVICE_SECRET: reporterSecret });
    try {
      const staff = await signInStaff(gateway, 'analyst');
      const address = await gateway.listen({ port: 0, host: '127.0.0.1' });
      const answer = await fetch(`${address}/v1/reports/volume?${query}&format=csv`, { headers: staff.headers });
      expect(answer.status).toBe(200);
      await expect(answer.text()).rejects.toThrow();
    } finally {
      await gateway.close();
      cutting.close();
    }
  });

  it('without REPORTER_URL the gateway exposes no reports', async () => {
    const app = await buildTestApp({ REPORTER_URL: '' });
    try {
      expect((await app.inject({ method: 'GET', url: '/v1/reports' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
