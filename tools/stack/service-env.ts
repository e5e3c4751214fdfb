/**
 * What a process on the local stack reads to find the stack's servers, derived from the stack's
 * own settings: `npm start` gives it to every service, and the operator commands (`npm run
 * media:*`, through with-service-env.ts) run with it, so a command checks the same stores the
 * services write, and a stack moved to other ports (STACK_DIR, DB_PRIMARY_PORT, S3_PORT, ...) is
 * followed by everything with nothing else to set.
 */
import path from 'node:path';
import type { StackConfig } from './config.ts';

/**
 * The variables to add to `env` for a process on the local stack. A variable already set wins,
 * even when empty: `MEDIA_MIRROR_BUCKET=` is how an operator says "no mirror".
 */
export function localServiceEnv(stack: StackConfig, env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const derived: Record<string, string> = {
    DB_PRIMARY_PORT: String(stack.DB_PRIMARY_PORT),
    DB_REPLICA_PORT: String(stack.DB_REPLICA_PORT),
    // The live tier is the Galera cluster; statistics are read from the replica of their own.
    DB_CLUSTER_NODES: stack.DB_GALERA_PORTS.map((port) => `127.0.0.1:${port}`).join(','),
    REPORTER_DB_PORT: String(stack.DB_STATISTICS_PORT),
    REDIS_PORT: String(stack.REDIS_PORT),
    S3_ENDPOINT: `http://127.0.0.1:${stack.S3_PORT}`,
    S3_BUCKET: stack.S3_BUCKET,
    REPORTER_S3_ENDPOINT: `http://127.0.0.1:${stack.S3_PORT}`,
    MEDIA_MIRROR_BUCKET: stack.S3_MIRROR_BUCKET,
    MEDIA_MIRROR_ENDPOINT: `http://127.0.0.1:${stack.S3_MIRROR_PORT}`,
    MEDIA_SPOOL_DIR: path.join(stack.stateDir, 'media-spool'),
    REPORTER_DAILY_DIR: path.join(stack.stateDir, 'reports'),
  };
  return Object.fromEntries(Object.entries(derived).map(([name, value]) => [name, env[name] ?? value]));
}
