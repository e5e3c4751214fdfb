/**
 * The client's contract with the gateway, over a fake fetch (pure logic, no server): it sends the
 * access token and the latest consistency token, keeps each new consistency token, refreshes an
 * access token about to expire (once for concurrent calls), and turns problem+json into ApiProblem.
 */
import { describe, expect, it } from 'vitest';
import { createApiClient, rawCall, unwrap } from './client.ts';
import { ApiProblem } from './problem.ts';
import { SessionStore, type KeyValueStorage, type Session } from './session-store.ts';

class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, string>();
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
  removeItem(key: string) {
    this.values.delete(key);
  }
}

const account = { id: 7, email: 'kim@example.kr', role: 'customer' as const, status: 'active' as const, displayName: '김민준' };
const session = (expiresInMs: number): Session => ({ account, accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: Date.now() + expiresInMs });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

function setup(initial: Session | null, answer: (request: Request) => Response) {
  const store = new SessionStore(new MemoryStorage());
  store.setSession(initial);
  const seen: Request[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), 'http://app.test'), init);
    seen.push(request);
    return answer(request);
  }) as typeof globalThis.fetch;
  return { store, seen, api: createApiClient({ baseUrl: 'http://app.test', store, fetch }) };
}

describe('api client', () => {
  it('sends the bearer token and the latest consistency token, and keeps the token a write returns', async () => {
    const { api, store, seen } = setup(session(600_000), (request) =>
      request.method === 'POST' ? json(201, { id: 1 }, { 'x-consistency-token': '0-1-42' }) : json(200, { id: 1 }),
    );
    await unwrap(api.client.POST('/v1/quote-requests/{id}/cancel', { params: { path: { id: 1 } } }));
    expect(store.consistencyToken).toBe('0-1-42');
    await unwrap(api.client.GET('/v1/quote-requests/{id}', { params: { path: { id: 1 } } }));
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer access-1');
    expect(seen[0]!.headers.get('x-consistency-token')).toBeNull();
    expect(seen[1]!.headers.get('x-consistency-token')).toBe('0-1-42');
  });

  it('keeps the consistency token across a reload of the tab (sessionStorage)', () => {
    const storage = new MemoryStorage();
    new SessionStore(storage).rememberConsistencyToken('0-1-99');
    expect(new SessionStore(storage).consistencyToken).toBe('0-1-99');
  });

  it('refreshes an access token about to expire once for concurrent calls, and uses the new one', async () => {
    const { api, store, seen } = setup(session(5_000), (request) =>
      new URL(request.url).pathname === '/v1/auth/refresh'
        ? json(200, { account, accessToken: 'access-2', refreshToken: 'refresh-2', expiresInSeconds: 900, tokenType: 'Bearer', refreshTokenExpiresAt: new Date().toISOString() })
        : json(200, {}),
    );
    await Promise.all([unwrap(api.client.GET('/v1/me')), unwrap(api.client.GET('/v1/me'))]);
    expect(seen.filter((request) => request.url.endsWith('/v1/auth/refresh'))).toHaveLength(1);
    expect(seen.filter((request) => request.url.endsWith('/v1/me')).map((request) => request.headers.get('authorization'))).toEqual(['Bearer access-2', 'Bearer access-2']);
    expect(store.session?.refreshToken).toBe('refresh-2');
  });

  it('signs out when the refresh token is refused', async () => {
    const { api, store } = setup(session(1_000), (request) => (request.url.endsWith('/v1/auth/refresh') ? json(401, { title: 'Unauthorized', code: 'unauthenticated' }) : json(401, { code: 'unauthenticated' })));
    await expect(unwrap(api.client.GET('/v1/me'))).rejects.toBeInstanceOf(ApiProblem);
    expect(store.session).toBeNull();
  });

  it('turns problem+json into an ApiProblem with code, detail, fields, request id and Retry-After', async () => {
    const { api } = setup(session(600_000), () =>
      json(503, { type: 'https://chucar.kr/problems/database_unavailable', title: 'Service Unavailable', status: 503, detail: 'the database is unreachable', code: 'database_unavailable', requestId: 'req-1', errors: [{ field: 'trimId', message: 'unknown' }] }, { 'retry-after': '3' }),
    );
    const problem = await unwrap(api.client.GET('/v1/me')).catch((error: unknown) => error);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem).toMatchObject({ status: 503, code: 'database_unavailable', detail: 'the database is unreachable', requestId: 'req-1', retryAfterSeconds: 3, fieldErrors: [{ field: 'trimId', message: 'unknown' }] });
  });

  it('reports a network failure as status 0, and a non-JSON error page by its status', async () => {
    const down = setup(null, () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(unwrap(down.api.client.GET('/v1/regions'))).rejects.toMatchObject({ status: 0, code: 'network_error' });
    const proxy = setup(null, () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    await expect(rawCall(proxy.api, '/v1/reports')).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });
});
