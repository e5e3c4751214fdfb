import { describe, expect, it } from 'vitest';
import { clusterNodeSettings, primaryDatabaseSettings, replicaDatabaseSettings } from './settings-from-env.ts';

const env = {
  DB_PRIMARY_HOST: 'primary.internal',
  DB_PRIMARY_PORT: 3307,
  DB_REPLICA_HOST: 'replica.internal',
  DB_REPLICA_PORT: 3308,
  DB_NAME: 'chucar',
  DB_USER: 'chucar_app',
  DB_PASSWORD: 'pw',
  DB_POOL_SIZE: 7,
  DB_CONNECT_TIMEOUT_MS: 1500,
  DB_QUERY_TIMEOUT_MS: 4000,
};

describe('database settings from env', () => {
  it('points the primary at the primary', () => {
    expect(primaryDatabaseSettings(env)).toMatchObject({ host: 'primary.internal', port: 3307 });
  });

  it('points the replica at the replica, with the same account and pool settings', () => {
    expect(replicaDatabaseSettings(env)).toEqual({ host: 'replica.internal', port: 3308, user: 'chucar_app', password: 'pw', database: 'chucar', poolSize: 7, connectTimeoutMs: 1500, queryTimeoutMs: 4000 });
  });

  it('lets a caller override the replica pool but not move it to the primary by accident', () => {
    expect(replicaDatabaseSettings(env, { poolSize: 2 })).toMatchObject({ host: 'replica.internal', port: 3308, poolSize: 2 });
  });

  it('gives each cluster node, in list order, its own address and the primary’s account and pool settings', () => {
    const nodes = [{ host: 'galera-1', port: 3306 }, { host: 'galera-2', port: 3316 }];
    expect(clusterNodeSettings({ ...env, DB_CLUSTER_NODES: nodes, DB_CLUSTER_CHECK_INTERVAL_MS: 500, DB_CLUSTER_WRITE_TIMEOUT_MS: 3000 })).toEqual([
      { host: 'galera-1', port: 3306, user: 'chucar_app', password: 'pw', database: 'chucar', poolSize: 7, connectTimeoutMs: 1500, queryTimeoutMs: 4000 },
      { host: 'galera-2', port: 3316, user: 'chucar_app', password: 'pw', database: 'chucar', poolSize: 7, connectTimeoutMs: 1500, queryTimeoutMs: 4000 },
    ]);
  });
});
