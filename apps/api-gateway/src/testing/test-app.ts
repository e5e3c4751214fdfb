/** Builds the real gateway against the local stack's test database, and signs in users through its API. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { Problem } from '@chucar/contracts';
import { testDatabaseName } from '@chucar/platform/testing';
import type { Account } from '@chucar/domain';
import { ensureTestStaffAccount, testStaffEmail, type StaffRole } from '@chucar/domain/testing';
import { buildApp, type GatewayApp } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';
import { contractViolations } from './contract.ts';

export async function buildTestApp(overrides: Record<string, string> = {}): Promise<GatewayApp> {
  const config = loadGatewayConfig({
    ...process.env,
    NODE_ENV: 'test',
    DB_NAME: testDatabaseName,
    RATE_LIMIT_MAX: '100000',
    // Tests sign in a lot from one address; the sign-in throttle's own test sets small limits.
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '100000',
    SIGN_IN_FREE_FAILURES_PER_ADDRESS: '100000',
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '100000',
    REPLICA_CHECK_INTERVAL_MS: '100',
    ...overrides,
  });
  const app = await buildApp(config, { logger: false });
  await app.ready();
  return app;
}

export interface Session {
  account: Account;
  accessToken: string;
  refreshToken: string;
  /** The consistency token of the sign-up write. */
  consistencyToken: string;
  headers: { authorization: string; 'x-consistency-token': string };
}

export const testPassword = 'correct horse battery staple';

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@test.chucar.kr`;
}

function toSession(body: { account: Account; accessToken: string; refreshToken: string }, consistencyToken: string): Session {
  return {
    account: body.account,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    consistencyToken,
    headers: { authorization: `Bearer ${body.accessToken}`, 'x-consistency-token': consistencyToken },
  };
}

async function post(app: GatewayApp, url: string, payload: object): Promise<Session> {
  const response = await app.inject({ method: 'POST', url, payload });
  if (response.statusCode >= 300) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
  return toSession(response.json(), String(response.headers['x-consistency-token'] ?? ''));
}

export function signUpCustomer(app: GatewayApp, name = 'customer'): Promise<Session> {
  return post(app, '/v1/auth/customers', { email: uniqueEmail(name), password: testPassword, displayName: name });
}

export function signUpDealer(app: GatewayApp, regions: string[], name = 'dealer'): Promise<Session> {
  return post(app, '/v1/auth/dealers', { email: uniqueEmail(name), password: testPassword, displayName: name, dealershipName: `${name} Motors`, regions });
}

export function login(app: GatewayApp, email: string, password = testPassword): Promise<Session> {
  return post(app, '/v1/auth/login', { email, password });
}

/** Signs in as the test admin or analyst, created on the primary first if need be. */
export async function signInStaff(app: GatewayApp, role: StaffRole): Promise<Session> {
  const email = testStaffEmail(role);
  const attempt = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: testPassword } });
  if (attempt.statusCode === 200) return toSession(attempt.json(), String(attempt.headers['x-consistency-token'] ?? ''));
  await ensureTestStaffAccount(app.databases.writer.db, role, testPassword);
  return login(app, email);
}

/** An active dealer: signs up, then the admin approves them. */
export async function activeDealer(app: GatewayApp, regions: string[], name = 'dealer'): Promise<Session> {
  const dealer = await signUpDealer(app, regions, name);
  const admin = await signInStaff(app, 'admin');
  const approval = await app.inject({ method: 'POST', url: `/v1/dealers/${dealer.account.id}/approve`, headers: admin.headers });
  if (approval.statusCode !== 200) throw new Error(`approve answered ${approval.statusCode}: ${approval.body}`);
  return { ...dealer, consistencyToken: String(approval.headers['x-consistency-token']), headers: { ...dealer.headers, 'x-consistency-token': String(approval.headers['x-consistency-token']) } };
}

/** The first trim of the demo catalog with its option codes. */
export async function someTrim(app: GatewayApp): Promise<{ id: number; listPriceKrw: number; optionCodes: string[] }> {
  const trims = (await app.inject({ method: 'GET', url: '/v1/catalog/trims' })).json() as { id: number; listPriceKrw: number }[];
  const trim = trims[0];
  if (!trim) throw new Error('the test database has no catalog');
  const detail = (await app.inject({ method: 'GET', url: `/v1/catalog/trims/${trim.id}` })).json() as { options: { code: string }[] };
  return { id: trim.id, listPriceKrw: trim.listPriceKrw, optionCodes: detail.options.map((option) => option.code) };
}

export function quoteRequestBody(trimId: number, overrides: Record<string, unknown> = {}) {
  return { trimId, region: 'seoul', purchaseTiming: 'this_month', paymentMethod: 'cash', note: '흰색 선호', ...overrides };
}

export function validUntil(days = 7): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}

/** The session's headers, carrying `token` (a later write's consistency token) instead of the sign-up one. */
export function headersAfter(session: Session, token: unknown): Session['headers'] {
  return { ...session.headers, 'x-consistency-token': String(token ?? session.consistencyToken) };
}

export type QuoteRequestView = { id: number; customerId: number; region: string; status: string; listPriceKrw: number; createdAt: string; makerId: number; modelId: number; trimId: number };

/** Creates a quote request as `customer`; returns it and the write's consistency token. */
export async function createQuoteRequest(app: GatewayApp, customer: Session, body: object): Promise<{ request: QuoteRequestView; token: string }> {
  const response = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: body });
  if (response.statusCode !== 201) throw new Error(`create request answered ${response.statusCode}: ${response.body}`);
  return { request: response.json(), token: String(response.headers['x-consistency-token']) };
}

/** Submits a quote 1,000,000 KRW under the list price as `dealer`; returns it and the write's consistency token. */
export async function submitQuote(app: GatewayApp, dealer: Session, request: { id: number; listPriceKrw: number }): Promise<{ quote: { id: number; dealerId: number; requestId: number }; token: string }> {
  const response = await app.inject({
    method: 'POST',
    url: `/v1/quote-requests/${request.id}/quotes`,
    headers: dealer.headers,
    payload: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil: validUntil(5) },
  });
  if (response.statusCode !== 201) throw new Error(`submit quote answered ${response.statusCode}: ${response.body}`);
  return { quote: response.json(), token: String(response.headers['x-consistency-token']) };
}

/** The ids on one page of a list answer. */
export function idsOf(response: { json(): unknown }): number[] {
  return (response.json() as { items: { id: number }[] }).items.map((item) => item.id);
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: { field: string; message: string }[];
}

/**
 * Asserts an RFC 9457 answer: problem+json in the shared contract's shape, every member present,
 * `requestId` equal to the response's x-request-id. Returns the body for further checks.
 */
export function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string; json(): unknown }, status: number, code?: string): ProblemBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json() as ProblemBody;
  expect(contractViolations(Problem, problem)).toEqual([]);
  expect(problem).toMatchObject({ status, type: expect.stringMatching(/^https?:\/\/\S+$/), title: expect.any(String), detail: expect.any(String), code: expect.any(String) });
  expect(problem.title.length).toBeGreaterThan(0);
  expect(problem.requestId).toBe(response.headers['x-request-id']);
  expect(problem.type.endsWith(`/${problem.code}`)).toBe(true);
  if (code) expect(problem.code).toBe(code);
  return problem;
}

/** The fields a 400/422 problem names. */
export function problemFields(problem: ProblemBody): string[] {
  return (problem.errors ?? []).map((error) => error.field);
}
