import { describe, expect, it } from 'vitest';
import { isApiPath, staticSecurityHeaders } from './security-headers.ts';

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

  it('tells API and operations paths from documents', () => {
    for (const url of ['/v1/regions', '/v1/quote-requests/7?x=1', '/v1', '/health/ready', '/metrics']) expect(isApiPath(url), url).toBe(true);
    for (const url of ['/', '/docs', '/docs/json', '/assets/index-1.js', '/requests/12', '/v1x', '/metricsx', '/healthz']) expect(isApiPath(url), url).toBe(false);
  });
});
