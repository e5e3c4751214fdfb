import { env } from './env.ts';
import { localDevelopmentSecrets } from './local-development-secrets.ts';

/** Variables every service reads; defaults match the local stack (`npm run stack:up`). */
export const runtimeEnv = {
  NODE_ENV: env.oneOf(['development', 'test', 'production'], { description: 'Runtime mode', default: 'development' }),
  LOG_LEVEL: env.oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    description: 'Minimum pino log level',
    default: 'info',
  }),
  LOG_FORMAT: env.oneOf(['auto', 'pretty', 'json'], {
    description: 'auto = pretty in development, JSON otherwise',
    default: 'auto',
  }),
};

/** For services that take uploads: a whole request may take this long to arrive. */
export const uploadRequestEnv = {
  HTTP_REQUEST_TIMEOUT_MS: env.int({ description: 'Time to receive a whole request, uploads included (20 MB at 1 Mbit/s takes ~3 min)', default: 300_000, min: 1000 }),
};

/** The primary takes every write; the app account may read and write the app's database. */
export const primaryDatabaseEnv = {
  DB_PRIMARY_HOST: env.string({ description: 'MariaDB/MySQL primary host', default: '127.0.0.1' }),
  DB_PRIMARY_PORT: env.port({ description: 'MariaDB/MySQL primary port', default: 3307 }),
  DB_NAME: env.string({ description: 'Application database name', default: 'chucar' }),
  DB_USER: env.string({ description: 'Application account (read/write on the primary)', default: 'chucar_app' }),
  DB_PASSWORD: env.string({ description: 'Application account password', default: localDevelopmentSecrets.appDatabasePassword, secret: true }),
  DB_POOL_SIZE: env.int({ description: 'Connections per pool', default: 10, min: 1, max: 500 }),
  DB_CONNECT_TIMEOUT_MS: env.int({ description: 'Timeout to open a database connection', default: 2000, min: 100 }),
  DB_QUERY_TIMEOUT_MS: env.int({ description: 'Timeout of one query', default: 5000, min: 100 }),
};

/** The read-only replica; the gateway reads from it when it is fresh enough. */
export const replicaDatabaseEnv = {
  DB_REPLICA_HOST: env.string({ description: 'MariaDB/MySQL read-only replica host', default: '127.0.0.1' }),
  DB_REPLICA_PORT: env.port({ description: 'MariaDB/MySQL read-only replica port', default: 3308 }),
};

/**
 * A MariaDB Galera cluster instead of the primary and replica: when DB_CLUSTER_NODES lists nodes,
 * the app writes to the first synced node of the list and reads from the others; the account,
 * database and pool settings are the primary's (DB_USER, DB_NAME, DB_POOL_SIZE per node, ...).
 */
export const clusterDatabaseEnv = {
  DB_CLUSTER_NODES: env.addressList({
    description: 'Galera cluster nodes as host:port, comma separated, in order of preference for the writer (every instance must list them in the same order); empty: use DB_PRIMARY_* and DB_REPLICA_*',
    default: [],
  }),
  DB_CLUSTER_CHECK_INTERVAL_MS: env.int({ description: 'How often every cluster node is probed (state, primary component, which node takes writes)', default: 500, min: 50, max: 60_000 }),
  DB_CLUSTER_WRITE_TIMEOUT_MS: env.int({
    description: 'Cap on a statement on a cluster node, below the ~6 s a commit blocks on a node that has just lost its peers (the write then answers 503 and its outcome is unknown)',
    default: 3000,
    min: 500,
    max: 60_000,
  }),
};

export const redisEnv = {
  REDIS_HOST: env.string({ description: 'Redis host (BullMQ queues, rate limits)', default: '127.0.0.1' }),
  REDIS_PORT: env.port({ description: 'Redis port', default: 6380 }),
  REDIS_PASSWORD: env.string({ description: 'Redis password (empty for none)', default: '', secret: true }),
  REDIS_CONNECT_TIMEOUT_MS: env.int({ description: 'Timeout to connect to Redis', default: 2000, min: 100 }),
};

export const s3Env = {
  S3_ENDPOINT: env.string({
    description: 'S3-compatible endpoint URL; empty means real AWS S3 in S3_REGION',
    default: 'http://127.0.0.1:9000',
  }),
  S3_REGION: env.string({ description: 'S3 region', default: 'us-east-1' }),
  S3_BUCKET: env.string({ description: 'Private bucket for media objects (3-63 characters)', default: 'chucar-media' }),
  S3_ACCESS_KEY_ID: env.string({ description: 'S3 access key id (empty: the AWS default chain)', default: localDevelopmentSecrets.s3AccessKeyId }),
  S3_SECRET_ACCESS_KEY: env.string({ description: 'S3 secret access key', default: localDevelopmentSecrets.s3SecretAccessKey, secret: true }),
  S3_FORCE_PATH_STYLE: env.bool({ description: 'Path-style bucket URLs (needed by most S3-compatible servers)', default: true }),
  S3_TIMEOUT_MS: env.int({ description: 'Timeout of one S3 request', default: 10000, min: 100 }),
};
