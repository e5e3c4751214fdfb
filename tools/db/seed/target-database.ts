/** The database the CLI seeds when named with --database: created with the admin account if missing. */
import mysql from 'mysql2/promise';
import { readEnv } from '@chucar/platform';
import { localStackEnv } from '@chucar/platform/testing';

/** Only needed to create a missing database; defaults are the local stack's admin account. */
const adminEnv = { DB_ADMIN_USER: localStackEnv.DB_ADMIN_USER, DB_ADMIN_PASSWORD: localStackEnv.DB_ADMIN_PASSWORD };

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
