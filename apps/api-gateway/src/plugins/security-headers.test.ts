import { describe, expect, it } from 'vitest';
import { staticSecurityHeaders } from './security-headers.ts';

describe('staticSecurityHeaders', () => {
  it('captures the headers helmet sets, with the configured CSP', () => {
    const headers = staticSecurityHeaders({ contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } } });
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'referrer-policy': 'no-referrer',
    });
    expect(headers['content-security-policy']).toContain("img-src 'self' data:");
    expect(headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('leaves out what the options turn off', () => {
    const headers = staticSecurityHeaders({ contentSecurityPolicy: false, strictTransportSecurity: false });
    expect(headers).not.toHaveProperty('content-security-policy');
    expect(headers).not.toHaveProperty('strict-transport-security');
    expect(headers['x-content-type-options']).toBe('nosniff');
  });
});
