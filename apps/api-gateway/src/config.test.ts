import { describe, expect, it } from 'vitest';
import { localDevelopmentSecrets } from '@chucar/platform';
import { loadGatewayConfig } from './config.ts';

const productionJwt = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(32) };

describe('gateway config: the development secrets', () => {
  it('defaults to the local stack’s shared secrets and credentials', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      JWT_SECRET: localDevelopmentSecrets.accessTokenSecret,
      MEDIA_SERVICE_SECRET: localDevelopmentSecrets.mediaServiceSecret,
      REPORTER_SERVICE_SECRET: localDevelopmentSecrets.reporterServiceSecret,
      DB_PASSWORD: localDevelopmentSecrets.appDatabasePassword,
    });
  });

  it('refuses every development signing secret in production, in any of its secret variables', () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(32), MEDIA_SERVICE_SECRET: 'm'.repeat(32), REPORTER_URL: 'http://reporter:3002', REPORTER_SERVICE_SECRET: 'r'.repeat(32) };
    expect(loadGatewayConfig(production).JWT_SECRET).toBe('j'.repeat(32));
    expect(() => loadGatewayConfig({ ...production, JWT_SECRET: localDevelopmentSecrets.accessTokenSecret })).toThrow(/JWT_SECRET is required in production/);
    expect(() => loadGatewayConfig({ ...production, JWT_SECRET: localDevelopmentSecrets.mediaServiceSecret })).toThrow(/JWT_SECRET is required in production/);
    expect(() => loadGatewayConfig({ ...production, REPORTER_SERVICE_SECRET: localDevelopmentSecrets.reporterServiceSecret })).toThrow(/REPORTER_SERVICE_SECRET is required in production/);
    // Without a reporter, the reporter's secret signs nothing.
    expect(loadGatewayConfig({ ...production, REPORTER_URL: '', REPORTER_SERVICE_SECRET: localDevelopmentSecrets.reporterServiceSecret }).REPORTER_URL).toBe('');
  });
});

describe('gateway config: access tokens', () => {
  it('bounds the access tokens’ lifetime to what every verifier accepts', () => {
    expect(() => loadGatewayConfig({ ACCESS_TOKEN_TTL_S: '86401' })).toThrow(/ACCESS_TOKEN_TTL_S/);
  });
});

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

describe('gateway config: Alertmanager', () => {
  it('reads the local stack’s Alertmanager unless told otherwise, within a short timeout', () => {
    const config = loadGatewayConfig({});
    expect(config.ALERTMANAGER_URL).toBe('http://127.0.0.1:9093');
    expect(config.ALERTMANAGER_TIMEOUT_MS).toBeLessThanOrEqual(5000);
    expect(loadGatewayConfig({ ALERTMANAGER_URL: 'http://alertmanager:9093/' }).ALERTMANAGER_URL).toBe('http://alertmanager:9093');
  });

  it('refuses what is not an http(s) URL, and an unbounded timeout', () => {
    expect(() => loadGatewayConfig({ ALERTMANAGER_URL: 'alertmanager:9093' })).toThrow(/ALERTMANAGER_URL must be an http or https URL/);
    expect(() => loadGatewayConfig({ ALERTMANAGER_URL: 'not a url' })).toThrow(/ALERTMANAGER_URL/);
    expect(() => loadGatewayConfig({ ALERTMANAGER_TIMEOUT_MS: '600000' })).toThrow(/ALERTMANAGER_TIMEOUT_MS/);
  });
});

describe("gateway config: its Redis keys' prefix", () => {
  it('keeps chucar: unless told, and refuses what is not a short key prefix', () => {
    expect(loadGatewayConfig({}).GATEWAY_REDIS_KEY_PREFIX).toBe('chucar:');
    expect(loadGatewayConfig({ GATEWAY_REDIS_KEY_PREFIX: 'bench-gateway:' }).GATEWAY_REDIS_KEY_PREFIX).toBe('bench-gateway:');
    expect(() => loadGatewayConfig({ GATEWAY_REDIS_KEY_PREFIX: 'has space:' })).toThrow(/GATEWAY_REDIS_KEY_PREFIX must be/);
    expect(() => loadGatewayConfig({ GATEWAY_REDIS_KEY_PREFIX: '' })).toThrow(/GATEWAY_REDIS_KEY_PREFIX/);
  });
});

describe('gateway config: the database cluster', () => {
  it('keeps the primary and replica unless DB_CLUSTER_NODES lists nodes, then reads them in order', () => {
    expect(loadGatewayConfig({}).DB_CLUSTER_NODES).toEqual([]);
    expect(loadGatewayConfig({ DB_CLUSTER_NODES: '127.0.0.1:3311,127.0.0.1:3312,127.0.0.1:3313' }).DB_CLUSTER_NODES).toEqual([
      { host: '127.0.0.1', port: 3311 },
      { host: '127.0.0.1', port: 3312 },
      { host: '127.0.0.1', port: 3313 },
    ]);
  });

  it('fails at start on a bad node list, naming the variable', () => {
    expect(() => loadGatewayConfig({ DB_CLUSTER_NODES: '127.0.0.1:3311;127.0.0.1:3312' })).toThrow(/DB_CLUSTER_NODES must be a comma-separated list of host:port/);
    expect(() => loadGatewayConfig({ DB_CLUSTER_NODES: '127.0.0.1:3311,127.0.0.1:3311' })).toThrow(/DB_CLUSTER_NODES must not list an address twice/);
    expect(() => loadGatewayConfig({ DB_CLUSTER_NODES: 'galera-1' })).toThrow(/DB_CLUSTER_NODES/);
  });
});
