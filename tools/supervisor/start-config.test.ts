import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chucar/platform';
import { gatewayPorts, loadStartConfig, servicesEnv, statisticsFollowerEnv } from './start-config.ts';

describe('npm start settings', () => {
  it('names the bad variable, and reads --gateways like GATEWAY_INSTANCES', () => {
    expect(() => loadStartConfig({ PROMETHEUS_PORT: 'ninety' }, [])).toThrow(/PROMETHEUS_PORT/);
    expect(() => loadStartConfig({}, ['--gateways', '0'])).toThrow(ConfigError);
    expect(gatewayPorts(loadStartConfig({ GATEWAY_PORT: '4000' }, ['--gateways', '3']))).toEqual([4000, 4010, 4020]);
  });

  it("gives the services the stack's moved ports and the siblings' URLs, and a value the user set wins, even empty", () => {
    const config = loadStartConfig({ STACK_DIR: '/tmp/other-stack', S3_PORT: '29000', DB_STATISTICS_PORT: '23314', DB_GALERA_PORTS: '23311,23312,23313', MEDIA_PORT: '23001', ALERTMANAGER_PORT: '29093' }, []);
    const env = servicesEnv(config, { MEDIA_MIRROR_BUCKET: '', REPORTER_URL: 'http://reporter.internal:3002' });
    expect(env).toMatchObject({
      S3_ENDPOINT: 'http://127.0.0.1:29000',
      DB_CLUSTER_NODES: '127.0.0.1:23311,127.0.0.1:23312,127.0.0.1:23313',
      REPORTER_DB_PORT: '23314',
      MEDIA_SPOOL_DIR: '/tmp/other-stack/media-spool',
      MEDIA_SERVICE_URL: 'http://127.0.0.1:23001',
      ALERTMANAGER_URL: 'http://127.0.0.1:29093',
      MEDIA_MIRROR_BUCKET: '',
      REPORTER_URL: 'http://reporter.internal:3002',
    });
    expect(env).not.toHaveProperty('STATISTICS_ADMIN_PASSWORD');
  });

  it("points the statistics replica follower at the stack's moved replica and nodes, and only the follower gets the admin account", () => {
    const config = loadStartConfig({ DB_STATISTICS_PORT: '23314', DB_GALERA_PORTS: '23311,23312,23313' }, []);
    expect(statisticsFollowerEnv(config, { STATISTICS_FOLLOW_INTERVAL_MS: '1000' })).toMatchObject({
      STATISTICS_REPLICA_PORT: '23314',
      STATISTICS_SOURCE_NODES: '127.0.0.1:23311,127.0.0.1:23312,127.0.0.1:23313',
      STATISTICS_ADMIN_USER: config.stack.DB_ADMIN_USER,
      STATISTICS_REPLICATION_USER: config.stack.DB_REPLICATION_USER,
    });
    expect(statisticsFollowerEnv(config, { STATISTICS_SOURCE_NODES: '127.0.0.1:3312' })['STATISTICS_SOURCE_NODES']).toBe('127.0.0.1:3312');
  });
});
