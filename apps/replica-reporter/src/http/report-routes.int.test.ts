import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { writeReportDataset } from '../testing/report-dataset.ts';
import { reporterTestConfig } from '../testing/reporter-test-config.ts';
import { accessToken, serviceToken } from '../testing/tokens.ts';

const config = reporterTestConfig();
const analyst = { authorization: `Bearer ${accessToken(config, 'analyst')}` };
const query = 'from=2024-02-26&to=2024-03-10&granularity=week';

describe('GET /reports (real replica)', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    await writeReportDataset();
    app = await buildApp(config, { logger: false });
  });
  afterAll(() => app?.close());

  it('lets analysts and admins in, with the gateway’s access tokens or its service token', async () => {
    const list = await app.inject({ method: 'GET', url: '/reports', headers: analyst });
    expect(list.statusCode).toBe(200);
    expect(list.json().reports.map((report: { name: string }) => report.name)).toEqual(['volume', 'responsiveness', 'conversion', 'prices', 'dealers', 'media']);
    expect((await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${accessToken(config, 'admin')}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${serviceToken(config, 'analyst')}` } })).statusCode).toBe(200);

    const anonymous = await app.inject({ method: 'GET', url: '/reports' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const role of ['customer', 'dealer'] as const) {
      const denied = await app.inject({ method: 'GET', url: `/reports/volume?${query}`, headers: { authorization: `Bearer ${accessToken(config, role)}` } });
      expect(denied.statusCode).toBe(403);
      expect(denied.json()).toMatchObject({ code: 'forbidden' });
    }
    const forged = await app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${accessToken({ ...config, REPORTER_JWT_SECRET: 'another-secret-of-at-least-32-characters!' }, 'analyst')}` } });
    expect(forged.statusCode).toBe(401);
  });

  it('JSON: the rows and the freshness fields, also as headers', async () => {
    const answer = await app.inject({ method: 'GET', url: `/reports/conversion?${query}`, headers: analyst });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = answer.json();
    expect(body).toMatchObject({ report: 'conversion', timeZone: 'Asia/Seoul', dataAsOf: answer.headers['x-data-as-of'], replicaLagSeconds: Number(answer.headers['x-replica-lag-seconds']) });
    expect(body.rows[0]).toEqual({ period: '2024-02-26 주', requests: 3, accepted: 1, cancelled: 1, expired: 1, open: 0, acceptancePercent: 33.3, cancellationPercent: 33.3, expiryPercent: 33.3 });
  });

  it('CSV with BOM (or without), HTML with charts, text table', async () => {
    const csv = await app.inject({ method: 'GET', url: `/reports/volume?${query}&format=csv`, headers: analyst });
    expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="volume-2024-02-26-2024-03-10-week.csv"');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body.split('\r\n').slice(1)).toEqual(['기간,견적 요청,받은 견적,요청당 견적', '2024-02-26 주,3,5,1.67', '2024-03-04 주,2,1,0.5', '']);
    // A dealer named "=가나모터스" cannot become a formula in a spreadsheet.
    const dealers = await app.inject({ method: 'GET', url: `/reports/dealers?${query}&format=csv`, headers: analyst });
    expect(dealers.body).toContain(",'=가나모터스,");
    expect(dealers.body).not.toMatch(/,=가나모터스/);
    const plain = await app.inject({ method: 'GET', url: `/reports/volume?${query}&format=csv&bom=false`, headers: analyst });
    expect(plain.body.startsWith('# ')).toBe(true);

    const html = await app.inject({ method: 'GET', url: `/reports/dealers?${query}&format=html`, headers: analyst });
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('데이터 기준 시각');
    expect(html.body).toContain('<svg');
    const table = await app.inject({ method: 'GET', url: `/reports/responsiveness?${query}&format=table`, headers: analyst });
    expect(table.body.split('\n')[0]).toMatch(/dataAsOf=.*replicaLagSeconds=/);
  });

  it('bad input: problem+json naming the field, nothing run', async () => {
    const cases: [string, number, string][] = [
      [`/reports/volume?from=2024-02-30&to=2024-03-01`, 422, 'from'],
      [`/reports/volume?from=2024-03-02&to=2024-03-01`, 422, 'to'],
      [`/reports/volume?from=2024-03-01`, 400, 'to'],
      [`/reports/volume?from=2024-03-01&to=2024-03-02&granularity=year`, 400, 'granularity'],
      [`/reports/volume?from=2024-03-01&to=2024-03-02&format=xlsx`, 400, 'format'],
      [`/reports/volume?from=2024-03-01&to=2024-03-02&colour=red`, 400, 'colour'],
      [`/reports/volume?from=2024-03-01&to=2024-03-02&maker=nope`, 422, 'maker'],
      [`/reports/media?from=2024-03-01&to=2024-03-02&region=seoul`, 422, 'region'],
    ];
    for (const [url, status, field] of cases) {
      const answer = await app.inject({ method: 'GET', url, headers: analyst });
      expect(answer.statusCode, url).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json().errors.map((error: { field: string }) => error.field), url).toContain(field);
    }
    // An unknown report name is outside the name's enum, as the gateway already answers it.
    const unknown = await app.inject({ method: 'GET', url: `/reports/sales?${query}`, headers: analyst });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'invalid_request', errors: [expect.objectContaining({ field: 'name' })] });
  });

  it('documents the routes in its OpenAPI', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/reports', '/reports/{name}']));
    expect(Object.keys(document.paths['/reports/{name}'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '422', '503']));
  });
});
