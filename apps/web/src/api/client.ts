/**
 * The app's one way to the API: openapi-fetch typed by `schema.d.ts`, which is generated from the
 * gateway's OpenAPI document (npm run web:api-types). Every request carries the access token
 * (refreshed first when it is about to expire) and the latest consistency token; every response's
 * new consistency token is kept, so this user reads their own writes from any gateway.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';
import { ApiProblem, networkProblem, problemFromResponse, retryAfterSeconds } from './problem.ts';
import type { Session, SessionStore } from './session-store.ts';

export const consistencyHeader = 'x-consistency-token';
/** Refresh this long before the access token expires, so no call races its expiry. */
const REFRESH_MARGIN_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;

export type SessionAnswer = paths['/v1/auth/login']['post']['responses'][200]['content']['application/json'];

export function sessionFromAnswer(answer: SessionAnswer, now = Date.now()): Session {
  const { account } = answer;
  return {
    account: { id: account.id, email: account.email, role: account.role, status: account.status, displayName: account.displayName },
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken,
    accessTokenExpiresAt: now + answer.expiresInSeconds * 1000,
  };
}

export interface ApiClientOptions {
  /** '' for the page's own origin (the gateway that served it). */
  baseUrl: string;
  store: SessionStore;
  fetch?: typeof fetch;
}

export function createApiClient({ baseUrl, store, fetch: fetchImpl = globalThis.fetch.bind(globalThis) }: ApiClientOptions) {
  let refreshing: Promise<string | null> | null = null;

  /** One refresh at a time; every caller waiting for it gets the new access token (or null: signed out). */
  function freshAccessToken(): Promise<string | null> {
    const session = store.session;
    if (!session) return Promise.resolve(null);
    if (session.accessTokenExpiresAt - REFRESH_MARGIN_MS > Date.now()) return Promise.resolve(session.accessToken);
    refreshing ??= (async () => {
      try {
        const response = await fetchImpl(`${baseUrl}/v1/auth/refresh`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: session.refreshToken }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (!response.ok) {
          // A refresh token that was revoked or reused ends the session; a 503 keeps it for a retry.
          if (response.status === 401) store.setSession(null);
          return response.status === 401 ? null : session.accessToken;
        }
        store.rememberConsistencyToken(response.headers.get(consistencyHeader));
        const next = sessionFromAnswer((await response.json()) as SessionAnswer);
        store.setSession(next);
        return next.accessToken;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const sessionMiddleware: Middleware = {
    async onRequest({ request, schemaPath }) {
      const token = schemaPath.startsWith('/v1/auth/') ? null : await freshAccessToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      const consistency = store.consistencyToken;
      if (consistency) request.headers.set(consistencyHeader, consistency);
      return request;
    },
    onResponse({ response }) {
      store.rememberConsistencyToken(response.headers.get(consistencyHeader));
      return undefined;
    },
  };

  // Every call has a timeout (AbortSignal.any is missing on older phones: the timeout alone then).
  const withTimeout = (signal: AbortSignal) => (typeof AbortSignal.any === 'function' ? AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  const client = createClient<paths>({ baseUrl, fetch: (request: Request) => fetchImpl(request, { signal: withTimeout(request.signal) }) });
  client.use(sessionMiddleware);
  return { client, freshAccessToken, fetch: fetchImpl, baseUrl, store };
}

export type ApiClient = ReturnType<typeof createApiClient>;

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of a successful call; an ApiProblem (with the gateway's problem details) otherwise. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (error) {
    throw networkProblem(error);
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = typeof error === 'object' && error !== null ? error : { title: response.statusText, detail: typeof error === 'string' ? error : '' };
  return Promise.reject(new ApiProblem(response.status, body, retryAfterSeconds(response.headers)));
}

/**
 * A call outside the generated paths (the reports, until the gateway documents them): same tokens,
 * same problem handling, the raw Response back.
 */
export async function rawCall(api: ApiClient, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = await api.freshAccessToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (api.store.consistencyToken) headers.set(consistencyHeader, api.store.consistencyToken);
  let response: Response;
  try {
    response = await api.fetch(`${api.baseUrl}${path}`, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw networkProblem(error);
  }
  api.store.rememberConsistencyToken(response.headers.get(consistencyHeader));
  if (!response.ok) throw await problemFromResponse(response);
  return response;
}
