/**
 * A database of a test's own on the local stack's Galera cluster: recreated as the stack's admin on
 * the first node, then migrated by `npm run db:migrate` in cluster mode, as an operator would (and
 * seeded by `db:seed` the same way when asked).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { localStackSettings } from './local-stack.ts';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** `host:port` of each Galera node of the local stack, in the list order every instance uses. */
export function localClusterNodes(ports: readonly number[] = localStackSettings().DB_GALERA_PORTS): string {
  return ports.map((port) => `127.0.0.1:${port}`).join(',');
}

/**
 * `demoData`: also loads that much demo data with `db:seed` on the cluster's writer, for tests
 * that read it back (from the nodes, or from the statistics replica once it caught up).
 */
export async function prepareClusterTestDatabase(name: string, demoData?: { requests: number; customers: number; dealers: number }): Promise<void> {
  if (!/^chucar_\w+_test$/.test(name)) throw new Error(`a cluster test database is named chucar_<what>_test, not ${JSON.stringify(name)}`);
  const stack = localStackSettings();
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_GALERA_PORTS[0], user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const env = { ...process.env, DB_NAME: name, DB_CLUSTER_NODES: localClusterNodes(stack.DB_GALERA_PORTS) };
  await promisify(execFile)(process.execPath, ['tools/db/migrate.ts'], { cwd: repositoryRoot, env, timeout: 120_000 });
  if (!demoData) return;
  const counts = ['--requests', String(demoData.requests), '--customers', String(demoData.customers), '--dealers', String(demoData.dealers)];
  await promisify(execFile)(process.execPath, ['tools/db/seed.ts', ...counts], { cwd: repositoryRoot, env, timeout: 120_000 });
}
