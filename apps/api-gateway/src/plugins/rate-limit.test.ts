import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rateLimitKey } from './rate-limit.ts';

const from = (authorization: string | undefined, ip = '203.0.113.7') => rateLimitKey({ ip, headers: authorization === undefined ? {} : { authorization } });

describe('rateLimitKey', () => {
  it('counts a client by its bearer token, whatever the scheme’s case, so clients behind one address stay apart', () => {
    expect(from('Bearer token-a')).toMatch(/^token:/);
    expect(from('bearer token-a')).toBe(from('Bearer token-a'));
    expect(from('Bearer token-a', '198.51.100.1')).toBe(from('Bearer token-a'));
    expect(from('Bearer token-b')).not.toBe(from('Bearer token-a'));
  });

  it('counts by address when no usable bearer token is sent', () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b']) expect(from(authorization)).toBe('ip:203.0.113.7');
  });

  it('gives the same key for a token seen before, and never remembers an address for a header', () => {
    expect(from('Bearer token-c')).toBe(from('Bearer token-c'));
    expect(from('Basic dXNlcjpwYXNz', '198.51.100.1')).toBe('ip:198.51.100.1');
    expect(from('Basic dXNlcjpwYXNz', '198.51.100.2')).toBe('ip:198.51.100.2');
  });

  it('never puts the token itself in the key', () => {
    expect(from('Bearer secret-token-value')).not.toContain('secret-token-value');
  });

  it('keys a token by the start of its SHA-256, as Redis has counted it so far, so a deploy keeps the windows', () => {
    expect(from('Bearer token-d')).toBe(`token:${createHash('sha256').update('token-d').digest('base64url').slice(0, 22)}`);
  });
});
