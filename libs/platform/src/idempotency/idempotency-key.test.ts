import { describe, expect, it } from 'vitest';
import { canonicalJson, deriveIdempotencySecrets, idempotencyScope, openAnswer, parseIdempotencyKey, requestFingerprint, sameFingerprint, sealAnswer } from './idempotency-key.ts';

describe('Idempotency-Key rules', () => {
  it('takes the draft’s quoted string or a bare key, and refuses anything else with 400', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('')).toBeNull();
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    for (const bad of ['""', 'with space', 'x'.repeat(256), 'tab\there', '한글', 'a"b', ['a', 'b']]) {
      expect(() => parseIdempotencyKey(bad)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_idempotency_key' }));
    }
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });

  it('scopes keys per account, or per client address when signed out', () => {
    expect(idempotencyScope({ accountId: 7 }, '10.0.0.1')).toBe('account:7');
    expect(idempotencyScope(null, '10.0.0.1')).toBe('client:10.0.0.1');
  });

  it('fingerprints the parsed request: key order does not matter, any value does', () => {
    const secrets = deriveIdempotencySecrets('s'.repeat(32));
    const fingerprint = (body: unknown, url = '/v1/x') => requestFingerprint(secrets, { method: 'POST', url, body });
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(sameFingerprint(fingerprint({ a: 1, b: 2 }), fingerprint({ b: 2, a: 1 }))).toBe(true);
    expect(sameFingerprint(fingerprint({ a: 1 }), fingerprint({ a: 2 }))).toBe(false);
    expect(sameFingerprint(fingerprint({ a: 1 }), fingerprint({ a: 1 }, '/v1/y'))).toBe(false);
    expect(sameFingerprint(fingerprint({ a: 1 }), requestFingerprint(deriveIdempotencySecrets('t'.repeat(32)), { method: 'POST', url: '/v1/x', body: { a: 1 } }))).toBe(false);
  });

  it('seals stored answers: readable with the secret, tamper-evident, not plain text', () => {
    const secrets = deriveIdempotencySecrets('s'.repeat(32));
    const answer = { statusCode: 201, headers: { location: '/v1/x/1' }, body: '{"refreshToken":"secret-token"}' };
    const sealed = sealAnswer(secrets, answer);
    expect(sealed.includes(Buffer.from('secret-token'))).toBe(false);
    expect(openAnswer(secrets, sealed)).toEqual(answer);
    sealed[sealed.length - 1]! ^= 1;
    expect(() => openAnswer(secrets, sealed)).toThrow();
  });
});
