import { env } from './env.ts';
import { localDevelopmentSecrets } from './local-development-secrets.ts';

/** What the local stack listens on and the accounts it creates; the apps' defaults match. */
export const localStackEnv = {
  STACK_DIR: env.string({ description: 'Folder holding the local stack state (data, logs, pids)', default: '.stack' }),
  DB_PRIMARY_PORT: env.port({ description: 'Local MariaDB primary port', default: 3307 }),
  DB_REPLICA_PORT: env.port({ description: 'Local MariaDB replica port', default: 3308 }),
  DB_GALERA_PORTS: env.portList({
    description: 'SQL ports of the local MariaDB Galera cluster, nodes 1 to 3 (runs beside the primary and replica)',
    default: [3311, 3312, 3313],
    count: 3,
  }),
  DB_GALERA_GROUP_BASE_PORT: env.port({
    description: 'Galera group communication port of node 1; node i uses base+i-1, its IST receiver that +100 and its SST receiver that +200 (all on 127.0.0.1)',
    default: 4567,
  }),
  DB_STATISTICS_PORT: env.port({ description: 'Statistics replica: a read-only async GTID replica of Galera node 1', default: 3314 }),
  REDIS_PORT: env.port({ description: 'Local Redis port', default: 6380 }),
  LB_PORT: env.port({ description: 'Load balancer in front of the gateways (docker-compose publishes it here)', default: 8080 }),
  S3_PORT: env.port({ description: 'Local S3-compatible server (s3rver) port', default: 9000 }),
  S3_BUCKET: env.string({ description: 'Media bucket created in the local S3 server', default: 'chucar-media' }),
  S3_MIRROR_BUCKET: env.string({ description: 'Mirror bucket, created in the mirror S3 server (and, for older setups, in the primary one)', default: 'chucar-media-mirror' }),
  S3_MIRROR_PORT: env.port({ description: 'Local mirror S3 server (a second s3rver process with its own data directory)', default: 9001 }),
  DB_NAME: env.string({ description: 'Application database', default: 'chucar' }),
  DB_USER: env.string({ description: 'Application account', default: 'chucar_app' }),
  DB_PASSWORD: env.string({ description: 'Application account password', default: localDevelopmentSecrets.appDatabasePassword, secret: true }),
  DB_REPORTER_USER: env.string({ description: 'Reporter account (SELECT only, on the replica)', default: 'chucar_reporter' }),
  DB_REPORTER_PASSWORD: env.string({ description: 'Reporter account password', default: localDevelopmentSecrets.reporterDatabasePassword, secret: true }),
  DB_REPLICATION_USER: env.string({ description: 'Replication account', default: 'chucar_repl' }),
  DB_REPLICATION_PASSWORD: env.string({ description: 'Replication account password', default: localDevelopmentSecrets.replicationDatabasePassword, secret: true }),
  DB_ADMIN_USER: env.string({ description: 'Local stack admin account (all privileges, both servers)', default: 'chucar_admin' }),
  DB_ADMIN_PASSWORD: env.string({ description: 'Local stack admin password', default: localDevelopmentSecrets.adminDatabasePassword, secret: true }),
};
