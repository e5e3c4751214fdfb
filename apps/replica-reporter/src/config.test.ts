import { describe, expect, it } from 'vitest';
import { ConfigError, localDevelopmentSecrets } from '@chucar/platform';
import { loadReporterConfig, loadStatisticsFollowerConfig } from './config.ts';

describe('reporter config', () => {
  it('defaults to the local replica with the SELECT-only account, two query slots, no break glass', () => {
    expect(loadReporterConfig({})).toMatchObject({ REPORTER_DB_PORT: 3308, REPORTER_DB_USER: 'chucar_reporter', REPORTER_MAX_CONCURRENT_QUERIES: 2, REPORTER_ALLOW_NON_REPLICA: false });
  });

  it('defaults to the local stack’s shared secrets and credentials', () => {
    expect(loadReporterConfig({})).toMatchObject({
      REPORTER_JWT_SECRET: localDevelopmentSecrets.accessTokenSecret,
      REPORTER_SERVICE_SECRET: localDevelopmentSecrets.reporterServiceSecret,
      REPORTER_DB_PASSWORD: localDevelopmentSecrets.reporterDatabasePassword,
      REPORTER_S3_ACCESS_KEY_ID: localDevelopmentSecrets.s3AccessKeyId,
      REPORTER_S3_SECRET_ACCESS_KEY: localDevelopmentSecrets.s3SecretAccessKey,
    });
  });

  it('has no variable that names the primary', () => {
    expect(Object.keys(loadReporterConfig({})).filter((name) => /PRIMARY|DB_HOST$|DB_PORT$/.test(name) && !name.startsWith('REPORTER_DB_'))).toEqual([]);
  });

  it('names the bad variable', () => {
    expect(() => loadReporterConfig({ REPORTER_DB_PORT: 'replica' })).toThrow(ConfigError);
    expect(() => loadReporterConfig({ REPORTER_DB_PORT: 'replica' })).toThrow(/REPORTER_DB_PORT must be a port number/);
  });

  it('serves the scheduler on REPORTER_SCHEDULE_PORT, 3004 unless set, never on the API port', () => {
    expect(loadReporterConfig({})).toMatchObject({ REPORTER_HOST: '127.0.0.1', REPORTER_SCHEDULE_PORT: 3004, REPORTER_PORT: 3002 });
    expect(loadReporterConfig({ REPORTER_SCHEDULE_PORT: '13004' }).REPORTER_SCHEDULE_PORT).toBe(13004);
    expect(() => loadReporterConfig({ REPORTER_SCHEDULE_PORT: 'metrics' })).toThrow(/REPORTER_SCHEDULE_PORT must be a port number/);
    expect(() => loadReporterConfig({ REPORTER_SCHEDULE_PORT: '70000' })).toThrow(/REPORTER_SCHEDULE_PORT must be a port number/);
    expect(() => loadReporterConfig({ REPORTER_SCHEDULE_PORT: '3002' })).toThrow(/REPORTER_SCHEDULE_PORT must differ from REPORTER_PORT/);
  });

  it('insists on real secrets in production and a server limit inside the client timeout', () => {
    expect(() => loadReporterConfig({ NODE_ENV: 'production' })).toThrow(/REPORTER_JWT_SECRET is required in production[\s\S]*REPORTER_SERVICE_SECRET is required in production/);
    expect(() => loadReporterConfig({ REPORTER_SERVICE_SECRET: 'short' })).toThrow(/REPORTER_SERVICE_SECRET must be at least 32 characters/);
    expect(() => loadReporterConfig({ REPORTER_STATEMENT_TIME_LIMIT_S: '60', REPORTER_DB_TIMEOUT_MS: '30000' })).toThrow(/must not exceed REPORTER_DB_TIMEOUT_MS/);
  });
});

describe('statistics replica follower config', () => {
  it('defaults to the local cluster’s three nodes in order, the statistics replica on 3314 and the stack’s accounts', () => {
    const config = loadStatisticsFollowerConfig({});
    expect(config.sourceNodes).toEqual([
      { host: '127.0.0.1', port: 3311 },
      { host: '127.0.0.1', port: 3312 },
      { host: '127.0.0.1', port: 3313 },
    ]);
    expect(config).toMatchObject({
      STATISTICS_REPLICA_HOST: '127.0.0.1',
      STATISTICS_REPLICA_PORT: 3314,
      STATISTICS_FOLLOW_PORT: 3005,
      STATISTICS_ADMIN_PASSWORD: localDevelopmentSecrets.adminDatabasePassword,
      STATISTICS_REPLICATION_PASSWORD: localDevelopmentSecrets.replicationDatabasePassword,
    });
  });

  it('refuses node lists that cannot be followed, and timings that would leave a lost node for more than 30 s', () => {
    expect(() => loadStatisticsFollowerConfig({ STATISTICS_SOURCE_NODES: '127.0.0.1:3311,galera 2' })).toThrow(/STATISTICS_SOURCE_NODES: not a host:port address: "galera 2"/);
    expect(() => loadStatisticsFollowerConfig({ STATISTICS_SOURCE_NODES: '127.0.0.1:3311,127.0.0.1:3314' })).toThrow(/must not name the statistics replica itself/);
    expect(() => loadStatisticsFollowerConfig({ STATISTICS_SOURCE_NODES: '127.0.0.1:3311,127.0.0.1:3311' })).toThrow(/names a node twice/);
    expect(() => loadStatisticsFollowerConfig({ STATISTICS_SOURCE_NODES: ',' })).toThrow(/at least one node/);
    expect(() => loadStatisticsFollowerConfig({ STATISTICS_SOURCE_GRACE_MS: '20000', STATISTICS_FOLLOW_INTERVAL_MS: '5000' })).toThrow(/more than 30 s/);
  });

  it('is not part of the reporter’s own config: the API and the scheduler know no node and no admin account', () => {
    expect(Object.keys(loadReporterConfig({})).filter((name) => name.startsWith('STATISTICS_'))).toEqual([]);
  });
});
