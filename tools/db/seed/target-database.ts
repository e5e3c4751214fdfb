/** The database the CLI seeds: created with the admin account if missing, then migrated to the latest schema. */
import mysql from 'mysql2/promise';
import { readEnv } from '@chucar/platform';
import { stackEnv } from '../../stack/config.ts';
import { migrateToLatest } from '../migrations.ts';
import type { Kysely } from 'kysely';

/** Only needed to create a missing database; defaults are the local stack's admin account. */
const adminEnv = { DB_ADMIN_USER: stackEnv.DB_ADMIN_USER, DB_ADMIN_PASSWORD: stackEnv.DB_ADMIN_PASSWORD };

export type ServerAddress = { host: string; port: number; connectTimeoutMs: number };

/** Creates `name` on the primary if it does not exist; returns whether it did. */
export async function createDatabaseIfMissing(server: ServerAddress, name: string): Promise<boolean> {
  const admin = readEnv(adminEnv);
  const connection = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: admin.DB_ADMIN_USER,
    password: admin.DB_ADMIN_PASSWORD,
    connectTimeout: server.connectTimeoutMs,
  });
  try {
    const [rows] = await connection.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    if ((rows as unknown[]).length > 0) return false;
    await connection.query(`CREATE DATABASE ${connection.escapeId(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return true;
  } finally {
    await connection.end();
  }
}

/** Applies pending migrations (idempotent, as `npm run db:migrate` and `npm start` do); returns their names. */
export async function migrate<DB>(db: Kysely<DB>): Promise<string[]> {
  const outcome = await migrateToLatest(db);
  return (outcome.results ?? []).map((result) => result.migrationName);
}
