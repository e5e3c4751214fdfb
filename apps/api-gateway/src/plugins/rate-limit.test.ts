import { describe, expect, it, vi } from 'vitest';
import { createAccessTokenSigner, createAccessTokenVerifier } from '@chucar/platform';
import { rateLimitKey } from './rate-limit.ts';

const secret = 'rate-limit-key-test-secret-of-32-bytes!';
const accessTokens = createAccessTokenVerifier({ secret, roles: ['customer', 'dealer'] });
const sign = createAccessTokenSigner({ secret, ttlSeconds: 600 });
const signedBy = (accountId: number) => `Bearer ${sign({ accountId, role: 'customer' })}`;

const from = (authorization: string | undefined, ip = '203.0.113.7') =>
  rateLimitKey({ ip, headers: authorization === undefined ? {} : { authorization } }, (request) => accessTokens.authenticate(request.headers.authorization));

describe('rateLimitKey', () => {
  it('counts a signed-in client by its account, from any address and with any of its tokens', () => {
    expect(from(signedBy(41))).toBe('account:41');
    expect(from(signedBy(41).replace('Bearer', 'bearer'), '198.51.100.1')).toBe('account:41');
    expect(from(signedBy(42))).toBe('account:42');
  });

  it('counts by address when no bearer token is sent, or one that does not verify', () => {
    const forged = createAccessTokenSigner({ secret: 'another-secret-that-is-32-bytes-long!', ttlSeconds: 600 })({ accountId: 41, role: 'customer' });
    const headers = [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'Bearer made-up-token-1', 'Bearer made-up-token-2', `Bearer ${forged}`];
    for (const authorization of headers) expect(from(authorization)).toBe('ip:203.0.113.7');
    expect(from('Bearer made-up-token-3', '198.51.100.2')).toBe('ip:198.51.100.2');
  });

  it('counts an expired token by address: it no longer proves an account', () => {
    vi.useFakeTimers({ now: Date.now() - 3_600_000, toFake: ['Date'] });
    const issuedLongAgo = signedBy(43);
    vi.useRealTimers();
    expect(from(issuedLongAgo)).toBe('ip:203.0.113.7');
  });
});
