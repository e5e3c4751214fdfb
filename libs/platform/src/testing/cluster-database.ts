/**
 * A database of a test's own on the local stack's Galera cluster: recreated as the stack's admin on
 * the first node, then migrated by `npm run db:migrate` in cluster mode, as an operator would.
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

export async function prepareClusterTestDatabase(name: string): Promise<void> {
  if (!/^chucar_\w+_test$/.test(name)) throw new Error(`a cluster test database is named chucar_<what>_test, not ${JSON.stringify(name)}`);
  const stack = localStackSettings();
  const admin = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_GALERA_PORTS[0], user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  await promisify(execFile)(process.execPath, ['tools/db/migrate.ts'], {
    cwd: repositoryRoot,
    env: { ...process.env, DB_NAME: name, DB_CLUSTER_NODES: localClusterNodes(stack.DB_GALERA_PORTS) },
    timeout: 120_000,
  });
}
