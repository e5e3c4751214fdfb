import { Kysely, MysqlDialect } from 'kysely';
import { createPool } from 'mysql2';
import type { Database } from '../schema/database.ts';

/**
 * A Kysely instance for `*.int.test.ts` against the stack's database, from CHUCAR_TEST_DB_URL
 * (mysql://user:pass@host:port/db). Dates travel as UTC, matching how the app writes them.
 */
export function createTestDatabase(url = process.env['CHUCAR_TEST_DB_URL']): Kysely<Database> {
  if (!url) throw new Error('CHUCAR_TEST_DB_URL is not set; integration tests need a database');
  return new Kysely<Database>({
    dialect: new MysqlDialect({ pool: createPool({ uri: url, timezone: 'Z', connectionLimit: 5 }) }),
  });
}
