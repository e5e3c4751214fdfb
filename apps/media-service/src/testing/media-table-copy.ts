/**
 * A copy of the migrated test database's media table (CREATE TABLE … LIKE, indexes included) in a
 * database of its own, filled with 22,500 rows, for EXPLAIN tests of the media queries: no other
 * test sees these rows, and the plan is the one a large table gets. The Kysely instance records
 * every statement it sends, so a test explains exactly what the code under test ran.
 */
import { Kysely, MysqlDialect } from 'kysely';
import mysql from 'mysql2';
import type { Connection } from 'mysql2/promise';
import type { Database as Schema } from '@chucar/domain';
import { appDatabaseSettings, connectWithoutDatabase, testDatabaseName } from '@chucar/platform/testing';

/** SQL expressions for the varying columns; `{n}` stands for the row's number, 0 to 22,499. */
export interface MediaRowExpressions {
  contentType: string;
  kind: string;
  status: string;
  variantsStatus: string;
  createdAt: string;
  updatedAt: string;
}

export interface MediaTableCopy {
  admin: Connection;
  db: Kysely<Schema>;
  statements: { sql: string; parameters: readonly unknown[] }[];
  /** EXPLAIN of a recorded statement, run against the copy. */
  explain<Row>(statement: { sql: string; parameters: readonly unknown[] }): Promise<Row[]>;
  drop(): Promise<void>;
}

export async function createMediaTableCopy(suffix: string, row: MediaRowExpressions): Promise<MediaTableCopy> {
  const database = `${testDatabaseName}_${suffix}`;
  const admin = await connectWithoutDatabase('admin', 'primary');
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`CREATE TABLE \`${database}\`.media LIKE \`${testDatabaseName}\`.media`);
  const at = (expression: string) => expression.replaceAll('{n}', '(a.n * 150 + b.n)');
  // 150 × 150 rows from a small recursive sequence (MariaDB stops recursion at 1,000 by default).
  await admin.query(`
    INSERT INTO \`${database}\`.media (id, owner_id, sha256, size_bytes, content_type, kind, status, variants_status, original_key, created_at, updated_at)
    WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 149)
    SELECT UUID(), 1, SHA2(a.n * 150 + b.n, 256), 1000, ${at(row.contentType)}, ${at(row.kind)}, ${at(row.status)}, ${at(row.variantsStatus)},
           CONCAT('originals/', a.n * 150 + b.n), ${at(row.createdAt)}, ${at(row.updatedAt)}
    FROM seq a CROSS JOIN seq b`);
  await admin.query(`ANALYZE TABLE \`${database}\`.media`);
  const settings = appDatabaseSettings('primary');
  const pool = mysql.createPool({ host: settings.host, port: settings.port, user: settings.user, password: settings.password, database, timezone: 'Z' });
  const statements: MediaTableCopy['statements'] = [];
  const db = new Kysely<Schema>({ dialect: new MysqlDialect({ pool }), log: (event) => void (event.level === 'query' && statements.push({ sql: event.query.sql, parameters: event.query.parameters })) });
  return {
    admin,
    db,
    statements,
    async explain<Row>(statement: { sql: string; parameters: readonly unknown[] }) {
      const [plan] = (await admin.query(`EXPLAIN ${statement.sql}`.replace('`media`', `\`${database}\`.\`media\``), [...statement.parameters])) as unknown as [Row[]];
      return plan;
    },
    async drop() {
      await db.destroy();
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
    },
  };
}
