import { createSigner } from 'fast-jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpProblem } from '../http/problem-details.ts';
import { serviceCallerFromAuthorization, signServiceToken, verifyServiceToken } from './service-token.ts';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const AUDIENCE = 'media-service';
const caller = { accountId: 42, role: 'customer' };

function refusal(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return error as HttpProblem;
  }
  return expect.unreachable('expected the token to be refused');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('service tokens', () => {
  it('carry the caller from the gateway to the service', () => {
    const token = signServiceToken(SECRET, { ...caller, audience: AUDIENCE });
    expect(verifyServiceToken(SECRET, token, AUDIENCE)).toEqual(caller);
  });

  it('are refused with 401 service_token_invalid when missing, forged, or meant for another service', () => {
    const token = signServiceToken(SECRET, { ...caller, audience: AUDIENCE });
    const forged = signServiceToken('another-secret-of-at-least-32-characters', { ...caller, audience: AUDIENCE });
    for (const [why, run] of [
      ['missing', () => verifyServiceToken(SECRET, undefined, AUDIENCE)],
      ['empty', () => verifyServiceToken(SECRET, '', AUDIENCE)],
      ['garbage', () => verifyServiceToken(SECRET, 'not.a.token', AUDIENCE)],
      ['forged', () => verifyServiceToken(SECRET, forged, AUDIENCE)],
      ['another audience', () => verifyServiceToken(SECRET, token, 'replica-reporter')],
    ] as const) {
      const problem = refusal(run);
      expect([problem.status, problem.code], why).toEqual([401, 'service_token_invalid']);
      expect(problem.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('expire within a minute, and a longer-lived token signed elsewhere is refused after a minute too', () => {
    vi.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z'), toFake: ['Date'] });
    const token = signServiceToken(SECRET, { ...caller, audience: AUDIENCE }, 30);
    const longLived = createSigner({ key: SECRET, algorithm: 'HS256', iss: 'api-gateway', aud: AUDIENCE, expiresIn: 3_600_000 })({ sub: '42', role: 'customer' });
    vi.setSystemTime(new Date('2026-12-01T00:00:34Z'));
    expect(verifyServiceToken(SECRET, token, AUDIENCE)).toEqual(caller);
    vi.setSystemTime(new Date('2026-12-01T00:00:36Z'));
    expect(refusal(() => verifyServiceToken(SECRET, token, AUDIENCE)).status).toBe(401);
    expect(verifyServiceToken(SECRET, longLived, AUDIENCE)).toEqual(caller);
    vi.setSystemTime(new Date('2026-12-01T00:02:00Z'));
    expect(refusal(() => verifyServiceToken(SECRET, longLived, AUDIENCE)).status).toBe(401);
  });

  it('must come from the gateway, name an account and a role, and be signed with HS256', () => {
    const sign = (options: Record<string, unknown>, payload: Record<string, unknown>) =>
      createSigner({ key: SECRET, algorithm: 'HS256', aud: AUDIENCE, expiresIn: 60_000, ...options })(payload);
    const unsigned = createSigner({ algorithm: 'none', iss: 'api-gateway', aud: AUDIENCE, expiresIn: 60_000 })({ sub: '42', role: 'customer' });
    for (const [why, token] of [
      ['another issuer', sign({ iss: 'somebody' }, { sub: '42', role: 'customer' })],
      ['no subject', sign({ iss: 'api-gateway' }, { role: 'customer' })],
      ['subject not an id', sign({ iss: 'api-gateway' }, { sub: '42abc', role: 'customer' })],
      ['no role', sign({ iss: 'api-gateway' }, { sub: '42' })],
      ['alg none', unsigned],
    ] as const) {
      expect(refusal(() => verifyServiceToken(SECRET, token, AUDIENCE)).status, why).toBe(401);
    }
  });

  it('refuse to be signed for longer than a minute or for no one', () => {
    expect(() => signServiceToken(SECRET, { ...caller, audience: AUDIENCE }, 61)).toThrow(RangeError);
    expect(() => signServiceToken(SECRET, { ...caller, audience: AUDIENCE }, 0)).toThrow(RangeError);
    expect(() => signServiceToken(SECRET, { accountId: 0, role: 'customer', audience: AUDIENCE })).toThrow(RangeError);
  });

  it('are read from a Bearer authorization header, and a bad header is refused saying why', () => {
    const token = signServiceToken(SECRET, { ...caller, audience: AUDIENCE });
    expect(serviceCallerFromAuthorization(SECRET, `Bearer ${token}`, AUDIENCE)).toEqual(caller);
    expect(serviceCallerFromAuthorization(SECRET, `bearer ${token}`, AUDIENCE)).toEqual(caller);
    for (const [header, why] of [[undefined, /required/], ['Basic abc', /Bearer scheme/], [`Bearer ${token} ${token}`, /one token/]] as const) {
      const problem = refusal(() => serviceCallerFromAuthorization(SECRET, header, AUDIENCE));
      expect([problem.status, problem.code]).toEqual([401, 'service_token_invalid']);
      expect(problem.message).toMatch(why);
    }
  });
});
