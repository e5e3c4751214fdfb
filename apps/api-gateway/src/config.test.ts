import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './config.ts';

const productionJwt = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(32) };

describe('gateway config: the media service secret', () => {
  it('has a development default and is required in production', () => {
    expect(loadGatewayConfig({}).MEDIA_SERVICE_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(() => loadGatewayConfig(productionJwt)).toThrow(/MEDIA_SERVICE_SECRET is required in production/);
    expect(loadGatewayConfig({ ...productionJwt, MEDIA_SERVICE_SECRET: 'm'.repeat(32) }).MEDIA_SERVICE_SECRET).toBe('m'.repeat(32));
  });

  it('refuses a short secret', () => {
    expect(() => loadGatewayConfig({ MEDIA_SERVICE_SECRET: 'short' })).toThrow(/MEDIA_SERVICE_SECRET must be at least 32 characters/);
  });

  it('limits media bodies to 20 MiB unless told otherwise', () => {
    expect(loadGatewayConfig({}).MEDIA_MAX_UPLOAD_BYTES).toBe(20 * 1024 * 1024);
    expect(loadGatewayConfig({ MEDIA_MAX_UPLOAD_BYTES: '5000000' }).MEDIA_MAX_UPLOAD_BYTES).toBe(5_000_000);
  });
});
