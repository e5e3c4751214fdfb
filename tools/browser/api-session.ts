/**
 * The browser tests' set-up that no journey covers (approving a dealer, a second dealer's quote,
 * reading a request back), done over the public API of the running gateways, as any client would.
 */
import { randomUUID } from 'node:crypto';
import { ensureTestStaffAccount, testStaffEmail, type StaffRole } from '@chucar/domain/testing';
import type { Database } from '@chucar/domain';
import { openAppDatabase } from '@chucar/platform/testing';

const REQUEST_TIMEOUT_MS = 10_000;

export const testPassword = 'correct horse battery staple';

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@test.chucar.kr`;
}

export interface Session {
  account: { id: number; email: string };
  /** Bearer token, and the consistency token of the session's last write. */
  headers: { authorization: string; 'x-consistency-token': string };
}

interface Answer<T> {
  body: T;
  consistencyToken: string;
}

/** One JSON request; any answer but 2xx is an error naming the route and what the API said. */
export async function callApi<T>(baseUrl: string, method: string, route: string, options: { headers?: Record<string, string>; body?: object } = {}): Promise<Answer<T>> {
  const response = await fetch(new URL(route, baseUrl), {
    method,
    headers: { ...options.headers, ...(options.body ? { 'content-type': 'application/json' } : {}) },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return { body: JSON.parse(text) as T, consistencyToken: response.headers.get('x-consistency-token') ?? '' };
}

async function signedIn(baseUrl: string, route: string, payload: object): Promise<Session> {
  const { body, consistencyToken } = await callApi<{ account: Session['account']; accessToken: string }>(baseUrl, 'POST', route, { body: payload });
  return { account: body.account, headers: { authorization: `Bearer ${body.accessToken}`, 'x-consistency-token': consistencyToken } };
}

export function login(baseUrl: string, email: string, password = testPassword): Promise<Session> {
  return signedIn(baseUrl, '/v1/auth/login', { email, password });
}

/** Signs in as the test admin or analyst, created on the test database's primary first. */
export async function signInStaff(baseUrl: string, role: StaffRole): Promise<Session> {
  const primary = openAppDatabase<Database>('primary');
  try {
    await ensureTestStaffAccount(primary.db, role, testPassword);
  } finally {
    await primary.close();
  }
  return login(baseUrl, testStaffEmail(role));
}

/** A dealer who signed up and whom the admin approved. */
export async function activeDealer(baseUrl: string, regions: string[], name: string): Promise<Session> {
  const dealer = await signedIn(baseUrl, '/v1/auth/dealers', { email: uniqueEmail(name), password: testPassword, displayName: name, dealershipName: `${name} Motors`, regions });
  const admin = await signInStaff(baseUrl, 'admin');
  const approval = await callApi(baseUrl, 'POST', `/v1/dealers/${dealer.account.id}/approve`, { headers: admin.headers });
  return { ...dealer, headers: { ...dealer.headers, 'x-consistency-token': approval.consistencyToken } };
}

/** A quote 1,000,000 KRW under the list price, valid for five days. */
export async function submitQuote(baseUrl: string, dealer: Session, request: { id: number; listPriceKrw: number }): Promise<void> {
  const validUntil = new Date(Date.now() + 5 * 86_400_000).toISOString();
  await callApi(baseUrl, 'POST', `/v1/quote-requests/${request.id}/quotes`, { headers: dealer.headers, body: { priceKrw: request.listPriceKrw - 1_000_000, conditions: '', validUntil } });
}

/**
 * Requests one gateway answered, by route pattern, from the request-duration histogram on its
 * /metrics (Prometheus text: `http_request_duration_seconds_count{...,route="/v1/me",...} 3`).
 */
export async function requestsByRoute(gatewayUrl: string): Promise<Map<string, number>> {
  const response = await fetch(new URL('/metrics', gatewayUrl), { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${gatewayUrl}/metrics answered ${response.status}`);
  const counts = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const sample = /^http_request_duration_seconds_count\{(?<labels>[^}]*)\} (?<value>\S+)$/.exec(line);
    if (!sample?.groups) continue;
    const route = /(?:^|,)route="(?<route>[^"]*)"/.exec(sample.groups['labels'] ?? '')?.groups?.['route'] ?? '';
    counts.set(route, (counts.get(route) ?? 0) + Number(sample.groups['value']));
  }
  return counts;
}
