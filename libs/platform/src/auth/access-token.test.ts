import { createHmac } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ACCESS_TOKEN_CHALLENGE, ACCESS_TOKEN_MAX_LENGTH, UnauthenticatedProblem, createAccessTokenSigner, createAccessTokenVerifier, type AccessTokenCheck } from './access-token.ts';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const ROLES = ['customer', 'dealer', 'admin'] as const;
type Role = (typeof ROLES)[number];

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT built by hand, so the verifier is tested against bytes no signer chose. */
function handMadeJwt(header: object, claims: object, secret = SECRET): string {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
const nowS = () => Math.floor(Date.now() / 1000);
const hs256 = { alg: 'HS256', typ: 'JWT' };

function refusal(check: AccessTokenCheck<Role>): UnauthenticatedProblem {
  if (check.ok) return expect.unreachable(`expected a refusal, got ${JSON.stringify(check.claims)}`);
  expect(check.problem).toBeInstanceOf(UnauthenticatedProblem);
  expect([check.problem.status, check.problem.code]).toEqual([401, 'unauthenticated']);
  expect(check.problem.headers['www-authenticate']).toBe(ACCESS_TOKEN_CHALLENGE);
  return check.problem;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('access tokens', () => {
  const sign = createAccessTokenSigner({ secret: SECRET, ttlSeconds: 900 });
  const verifier = createAccessTokenVerifier({ secret: SECRET, roles: ROLES, maxAgeSeconds: 900 });

  it('carry the account id and role from the signer to the verifier, with their expiry', () => {
    const check = verifier.verifyToken(sign({ accountId: 42, role: 'dealer' }));
    expect(check).toEqual({ ok: true, claims: { accountId: 42, role: 'dealer', expiresAtS: expect.any(Number) } });
    expect(check.ok && check.claims.expiresAtS - nowS()).toBeGreaterThan(890);
    expect(verifier.authenticate(`Bearer ${sign({ accountId: 7, role: 'admin' })}`)).toMatchObject({ ok: true, claims: { accountId: 7, role: 'admin' } });
  });

  it('are refused once expired, saying so, after a few seconds of tolerated clock skew', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z'), toFake: ['Date'] });
    const token = createAccessTokenSigner({ secret: SECRET, ttlSeconds: 60 })({ accountId: 1, role: 'customer' });
    const fresh = createAccessTokenVerifier({ secret: SECRET, roles: ROLES });
    vi.setSystemTime(new Date('2026-12-01T00:01:03Z'));
    expect(fresh.verifyToken(token).ok).toBe(true);
    vi.setSystemTime(new Date('2026-12-01T00:01:06Z'));
    const problem = refusal(fresh.verifyToken(token));
    expect(problem.reason).toBe('expired');
    expect(problem.message).toMatch(/expired/);
  });

  it('are refused unread when longer than any token the signer makes, however well signed', () => {
    const claims = { sub: '1', role: 'customer', iat: nowS(), exp: nowS() + 60 };
    const padded = (length: number) => handMadeJwt(hs256, { ...claims, note: 'x'.repeat(length) });
    const longest = padded(200);
    const tooLong = padded(400);
    expect(longest.length).toBeLessThanOrEqual(ACCESS_TOKEN_MAX_LENGTH);
    expect(tooLong.length).toBeGreaterThan(ACCESS_TOKEN_MAX_LENGTH);
    expect(verifier.verifyToken(longest).ok).toBe(true);
    expect(refusal(verifier.verifyToken(tooLong)).reason).toBe('invalid');
  });

  it('are remembered once verified as exactly that token: one character changed is verified afresh and refused', () => {
    const genuine = sign({ accountId: 5, role: 'customer' });
    expect(verifier.verifyToken(genuine).ok).toBe(true);
    const lastCharacter = genuine.at(-1) === 'A' ? 'B' : 'A';
    expect(refusal(verifier.verifyToken(genuine.slice(0, -1) + lastCharacter)).reason).toBe('invalid');
    expect(verifier.verifyToken(genuine)).toMatchObject({ ok: true, claims: { accountId: 5 } });
  });

  it('are refused past the longest lifetime from iat even after a verification was remembered', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z'), toFake: ['Date'] });
    const token = createAccessTokenSigner({ secret: SECRET, ttlSeconds: 900 })({ accountId: 3, role: 'customer' });
    const shortLived = createAccessTokenVerifier({ secret: SECRET, roles: ROLES, maxAgeSeconds: 60 });
    vi.setSystemTime(new Date('2026-12-01T00:00:30Z'));
    expect(shortLived.verifyToken(token).ok).toBe(true);
    vi.setSystemTime(new Date('2026-12-01T00:01:00Z'));
    expect(shortLived.verifyToken(token).ok).toBe(true);
    vi.setSystemTime(new Date('2026-12-01T00:01:01Z'));
    expect(refusal(shortLived.verifyToken(token)).reason).toBe('expired');
  });

  it('are refused past the longest lifetime from iat, whatever a longer exp says', () => {
    const longLived = handMadeJwt(hs256, { sub: '1', role: 'customer', iat: nowS() - 1000, exp: nowS() + 3600 });
    expect(refusal(verifier.verifyToken(longLived)).reason).toBe('expired');
  });

  it('must be HS256 with this secret: none, another algorithm, another secret and tampering are refused', () => {
    const claims = { sub: '1', role: 'customer', iat: nowS(), exp: nowS() + 60 };
    const genuine = handMadeJwt(hs256, claims);
    expect(verifier.verifyToken(genuine).ok).toBe(true);
    const [header, , signature] = genuine.split('.');
    const bad = {
      algNoneUnsigned: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
      algNoneBySigner: createSigner({ algorithm: 'none' })(claims),
      algNoneKeepingSignature: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.${signature}`,
      hs512: createSigner({ key: SECRET, algorithm: 'HS512' })(claims),
      anotherSecret: handMadeJwt(hs256, claims, 'another-secret-of-at-least-32-characters'),
      roleTampered: `${header}.${base64url({ ...claims, role: 'admin' })}.${signature}`,
      truncatedSignature: genuine.slice(0, -4),
      notAJwt: 'not-a-jwt',
      payloadNotAnObject: handMadeJwt(hs256, [claims]),
    };
    for (const [why, token] of Object.entries(bad)) {
      const problem = refusal(verifier.verifyToken(token));
      expect(problem.reason, why).toBe('invalid');
    }
  });

  it('must carry sub, role, iat and exp, name an account id and a known role, and no audience', () => {
    const complete = { sub: '1', role: 'customer', iat: nowS(), exp: nowS() + 60 };
    const { sub: _sub, ...noSub } = complete;
    const { role: _role, ...noRole } = complete;
    const { iat: _iat, ...noIat } = complete;
    const { exp: _exp, ...noExp } = complete;
    for (const [why, claims] of [
      ['no sub', noSub],
      ['no role', noRole],
      ['no iat', noIat],
      ['no exp', noExp],
      ['sub not an id', { ...complete, sub: 'abc' }],
      ['sub a fraction', { ...complete, sub: '1.5' }],
      ['sub zero-padded', { ...complete, sub: '01' }],
      ['sub a number, not a string', { ...complete, sub: 1 }],
      ['unknown role', { ...complete, role: 'superuser' }],
      ['an audience (a service token)', { ...complete, aud: 'media-service' }],
    ] as const) {
      expect(refusal(verifier.verifyToken(handMadeJwt(hs256, claims))).reason, why).toBe('invalid');
    }
  });

  it('are read from the Authorization header, and a bad header is refused saying why', () => {
    const token = sign({ accountId: 1, role: 'customer' });
    expect(verifier.authenticate(`bearer ${token}`).ok).toBe(true);
    for (const [header, reason] of [
      [undefined, 'missing'],
      ['', 'missing'],
      [`Basic ${token}`, 'other_scheme'],
      ['Bearer', 'no_token'],
      [`Bearer ${token} ${token}`, 'malformed'],
    ] as const) {
      expect(refusal(verifier.authenticate(header)).reason, String(header)).toBe(reason);
    }
  });

  it('are signed only with a strong secret, a bounded lifetime and a real account', () => {
    expect(() => createAccessTokenSigner({ secret: 'short', ttlSeconds: 900 })).toThrow(RangeError);
    expect(() => createAccessTokenVerifier({ secret: 'short', roles: ROLES })).toThrow(RangeError);
    expect(() => createAccessTokenSigner({ secret: SECRET, ttlSeconds: 0 })).toThrow(RangeError);
    expect(() => createAccessTokenSigner({ secret: SECRET, ttlSeconds: 86_401 })).toThrow(RangeError);
    expect(() => sign({ accountId: 0, role: 'customer' })).toThrow(RangeError);
    expect(() => sign({ accountId: 1, role: '' })).toThrow(RangeError);
  });
});
