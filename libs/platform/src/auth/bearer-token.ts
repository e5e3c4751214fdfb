/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1). The scheme is matched
 * without regard to case, as every HTTP auth scheme is (RFC 9110 §11.1); exactly one token in the
 * b64token alphabet must follow, so a value with spaces, commas or a second token is refused
 * rather than guessed at.
 */
export type BearerTokenFailure = 'missing' | 'other_scheme' | 'no_token' | 'malformed';

export type BearerTokenResult = { ok: true; token: string } | { ok: false; failure: BearerTokenFailure; detail: string };

const credentials = /^(\S+)(?: +(.*))?$/;
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

export function bearerToken(headerValue: string | null | undefined): BearerTokenResult {
  const value = (headerValue ?? '').trim();
  if (value === '') return { ok: false, failure: 'missing', detail: 'an access token is required (Authorization: Bearer …)' };
  const [, scheme = '', rest = ''] = credentials.exec(value) ?? [];
  if (scheme.toLowerCase() !== 'bearer') {
    return { ok: false, failure: 'other_scheme', detail: 'the Authorization header must use the Bearer scheme (Authorization: Bearer …)' };
  }
  const token = rest.trim();
  if (token === '') return { ok: false, failure: 'no_token', detail: 'the Authorization header names the Bearer scheme but carries no token' };
  if (!b64token.test(token)) {
    return { ok: false, failure: 'malformed', detail: 'the bearer token must be one token of letters, digits and -._~+/ (optionally ending in =)' };
  }
  return { ok: true, token };
}
