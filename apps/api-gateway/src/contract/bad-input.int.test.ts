/**
 * The API contract under bad input: whatever arrives, the gateway answers below 500,
 * every 4xx is problem+json carrying the request id, and no bad request changes the database.
 * Requests are built from the OpenAPI document, so a route is covered the day it is added.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import {
  activeDealer,
  buildTestApp,
  createQuoteRequest,
  expectProblem,
  headersAfter,
  problemFields,
  quoteRequestBody,
  signInStaff,
  signUpCustomer,
  someTrim,
  submitQuote,
  type Session,
} from '../testing/test-app.ts';
import { startAlertmanager, type RunningAlertmanager } from '../testing/alertmanager.ts';
import { startMediaService, testMediaServiceSecret, type RunningMediaService } from '../testing/media-service.ts';
import { badRequest, type BadRequest, type Fixtures } from './bad-requests.ts';
import { forgedVariants, jsonText } from './bad-values.ts';
import { fingerprintBusinessTables, type Fingerprint } from './database-fingerprint.ts';
import { fieldsOf, refusedForms, requestWithOneBadField, type InjectRequest } from './one-bad-field.ts';
import { operationsOf, type OpenApiDocument, type Operation } from './openapi-operations.ts';
import { rawExchange } from './raw-http.ts';
import { exampleValue } from './schema-values.ts';

/** Fixed, so a failure replays exactly; bounded, so the file stays well under a minute. */
const SEED = 20_261_125;
const GENERATED_REQUESTS = 3_000;

type Answer = Awaited<ReturnType<GatewayApp['inject']>>;

/** The contract for any answer: below 500, a write never accepted, and every 4xx a complete problem. */
function expectContractAnswer(response: Answer, request: Pick<BadRequest, 'defect'>): void {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (request.defect) expect(response.statusCode, `a write with a bad ${request.defect} must be refused`).toBeGreaterThanOrEqual(400);
  if (response.statusCode >= 400) expectProblem(response, response.statusCode);
}

describe('bad input over the whole API', () => {
  let app: GatewayApp;
  let operations: Operation[];
  let callers: Session[];
  let fixtures: Fixtures;
  let issuedCursor: string;
  let before: Fingerprint;

  let media: RunningMediaService;
  let alertmanager: RunningAlertmanager;

  beforeAll(async () => {
    // The media and alert routes call the real media service and a real Alertmanager, so what they answer is theirs.
    media = await startMediaService();
    alertmanager = await startAlertmanager();
    app = await buildTestApp({ MEDIA_SERVICE_URL: media.url, MEDIA_SERVICE_SECRET: testMediaServiceSecret, ALERTMANAGER_URL: alertmanager.url });
    // Every legitimate write happens here, before the fingerprint: sign-ups, sign-ins, two requests, a quote.
    const trim = await someTrim(app);
    const customer = await signUpCustomer(app, 'bad-input-customer');
    const dealer = await activeDealer(app, ['seoul'], 'bad-input-dealer');
    const admin = await signInStaff(app, 'admin');
    const analyst = await signInStaff(app, 'analyst');
    await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
    const { request, token } = await createQuoteRequest(app, customer, quoteRequestBody(trim.id));
    const { quote, token: latest } = await submitQuote(app, { ...dealer, headers: headersAfter(dealer, token) }, request);
    callers = [customer, dealer, admin, analyst].map((session) => ({ ...session, headers: headersAfter(session, latest) }));
    // Two requests, so a page of one has a next page: a real cursor to forge from.
    const firstPage = await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=1', headers: headersAfter(customer, latest) });
    issuedCursor = String((firstPage.json() as { nextCursor: string | null }).nextCursor);
    fixtures = {
      ids: [request.id, quote.id, dealer.account.id, customer.account.id, trim.id],
      tokens: [issuedCursor, ...forgedVariants(issuedCursor)],
      callers: callers.map((session) => ({ authorization: session.headers.authorization, consistencyToken: latest })),
    };
    operations = operationsOf((await app.inject({ method: 'GET', url: '/docs/json' })).json() as OpenApiDocument);
    before = await fingerprintBusinessTables(app.databases.writer.runSql);
  });
  afterAll(async () => {
    await app?.close();
    await media?.stop();
    await alertmanager?.stop();
  });

  /** The same request from every caller and from nobody: someone may call the route, the others are refused first. */
  const fromEveryCaller = (request: InjectRequest) =>
    Promise.all([...callers.map((caller) => caller.headers.authorization), null].map((authorization) => app.inject({ ...request, headers: { ...request.headers, ...(authorization ? { authorization } : {}) } })));

  it('reads every route from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.map((operation) => `${operation.method} ${operation.path}`)).toEqual(expect.arrayContaining(['GET /v1/catalog/trims/{id}', 'POST /v1/quote-requests', 'PATCH /v1/quotes/{id}', 'POST /v1/auth/login']));
  });

  it('GET /v1/catalog/trims/1e309 (a number too large for a double, once a 500) is a 400 naming the id', async () => {
    const problem = expectProblem(await app.inject({ method: 'GET', url: '/v1/catalog/trims/1e309' }), 400, 'invalid_request');
    expect(problemFields(problem)).toContain('id');
  });

  it('every integer and date-time in a path, query or body refuses non-finite, overflowing, out-of-range and impossible values with a 400 naming it', async () => {
    const fields = fieldsOf(operations).filter((field) => refusedForms(field.schema).length > 0);
    expect(fields.length).toBeGreaterThanOrEqual(18);
    for (const field of fields) {
      for (const text of refusedForms(field.schema)) {
        for (const asJsonNumber of field.where === 'body' && /^-?\d+(\.\d+)?(e\d+)?$/.test(text) ? [false, true] : [false]) {
          const label = `${field.operation.method} ${field.operation.path} ${field.where} ${field.name}=${text}${asJsonNumber ? ' (a JSON number)' : ''}`;
          const answers = await fromEveryCaller(requestWithOneBadField(field, text, asJsonNumber, fixtures));
          for (const answer of answers) {
            expect(answer.statusCode, `${label}: ${answer.body}`).toBeGreaterThanOrEqual(400);
            expect(answer.statusCode, `${label}: ${answer.body}`).toBeLessThan(500);
            expectProblem(answer, answer.statusCode);
          }
          const validation = answers.find((answer) => answer.statusCode === 400);
          expect(validation, `${label}: no caller got a 400 (${answers.map((answer) => answer.statusCode)})`).toBeDefined();
          expect(problemFields(expectProblem(validation!, 400, 'invalid_request')).join(' '), label).toContain(field.name);
        }
      }
    }
  });

  it('a cursor the API issued, with one number forged, in every free-text query parameter: never a 5xx', async () => {
    const forged = forgedVariants(issuedCursor);
    expect(forged.length).toBeGreaterThanOrEqual(3 * 7);
    const targets = fieldsOf(operations).filter(({ where, schema }) => where === 'query' && schema.type === 'string' && !schema.enum && !schema.format);
    expect(targets.length).toBeGreaterThanOrEqual(4);
    for (const { operation, name } of targets) {
      const path = operation.pathParameters.reduce((url, parameter) => url.replace(`{${parameter.name}}`, jsonText(exampleValue(parameter.schema, fixtures))), operation.path);
      for (const cursor of forged) {
        // Some forgeries are still valid positions (a 200); none may break the server.
        for (const answer of await fromEveryCaller({ method: operation.method, url: `${path}?${name}=${cursor}`, headers: {} })) expectContractAnswer(answer, { defect: null });
      }
    }
  });

  it(`${GENERATED_REQUESTS} generated malformed requests: no 5xx, no write accepted, every 4xx a problem with its request id`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(badRequest(operations, fixtures), async (request) => {
        const response = await app.inject({ method: request.method, url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expectContractAnswer(response, request);
      }),
      // The limit only bounds shrinking after a failure: the runs themselves take about 15 s.
      { seed: SEED, numRuns: GENERATED_REQUESTS, plugins: [fc.interruptAfterTimeLimit(80_000, { failOnInterrupt: true })] },
    );
    // The generator must get past authentication and validation often, or it tests little.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(GENERATED_REQUESTS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(GENERATED_REQUESTS / 5);
    expect(statuses.get(404) ?? 0).toBeGreaterThan(0);
  }, 120_000);

  it('left every business table as it found it (row counts and checksums on the primary)', async () => {
    expect(await fingerprintBusinessTables(app.databases.writer.runSql)).toEqual(before);
  });

  describe('errors the HTTP parser answers before any route (raw socket)', () => {
    let port: number;
    beforeAll(async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      port = typeof address === 'object' && address ? address.port : 0;
    });

    const get = (target: string, headers: string[] = []) => [`GET ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers, 'Connection: close', '', ''].join('\r\n');
    const cases: [string, number, () => string][] = [
      ['a URL past the gateway’s limit', 414, () => get(`/v1/catalog/trims?makerId=${'1'.repeat(10_000)}`)],
      ['a URL past Node’s 16 KiB header limit', 431, () => get(`/v1/catalog/trims/${'9'.repeat(20_000)}`)],
      ['a 20 KiB x-consistency-token', 431, () => get('/v1/regions', [`x-consistency-token: ${'0-1-'.repeat(5_000)}`])],
      ['a 20 KiB x-request-id', 431, () => get('/v1/regions', [`x-request-id: ${'r'.repeat(20_000)}`])],
      ['a malformed request line', 400, () => 'GARBAGE\r\n\r\n'],
      ['a header name with a space', 400, () => get('/v1/regions', ['x bad: 1'])],
      ['a NUL in a header value', 400, () => get('/v1/regions', ['x-request-id: a\u0000b'])],
      ['a negative Content-Length', 400, () => ['POST /v1/auth/login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: -1', 'Connection: close', '', ''].join('\r\n')],
    ];
    it.each(cases)('%s: %i problem+json with a request id', async (_label, status, bytes) => {
      const answer = await rawExchange(port, bytes());
      expect(answer.status, answer.body).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.headers['x-request-id']).toBeTruthy();
      expect(answer.json()).toMatchObject({ status, code: expect.any(String), requestId: answer.headers['x-request-id'] });
    });
  });
});
