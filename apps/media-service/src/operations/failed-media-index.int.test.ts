/**
 * The failed-media count (the media_failed gauge, read every 30 s by each worker) and the list
 * media:requeue works from find failed media through indexes, not by a pass over every stored
 * upload: EXPLAIN on a copy of the media table (CREATE TABLE … LIKE the migrated test database's,
 * indexes included) holding 22,500 stored uploads, 45 of them with failed previews and 45 failed
 * stores, in a database of its own so no other test sees these rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kysely, MysqlDialect } from 'kysely';
import mysql from 'mysql2';
import type { Connection } from 'mysql2/promise';
import { createKyselyMediaOperationsRepository, type Database as Schema } from '@chucar/domain';
import { appDatabaseSettings, connectWithoutDatabase, testDatabaseName } from '@chucar/platform/testing';

const DATABASE = `${testDatabaseName}_media_index`;

describe('failed media are found through indexes (EXPLAIN, real primary)', () => {
  let admin: Connection;
  let pool: mysql.Pool;
  let db: Kysely<Schema>;
  const statements: { sql: string; parameters: readonly unknown[] }[] = [];

  beforeAll(async () => {
    admin = await connectWithoutDatabase('admin', 'primary');
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`CREATE TABLE \`${DATABASE}\`.media LIKE \`${testDatabaseName}\`.media`);
    // 150 × 150 rows from a small recursive sequence (MariaDB stops recursion at 1,000 by default).
    await admin.query(`
      INSERT INTO \`${DATABASE}\`.media (id, owner_id, sha256, size_bytes, content_type, kind, status, variants_status, original_key, created_at, updated_at)
      WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 149)
      SELECT UUID(), 1, SHA2(a.n * 150 + b.n, 256), 1000, 'image/jpeg', 'image',
             IF((a.n * 150 + b.n) % 500 = 7, 'failed', 'stored'),
             IF((a.n * 150 + b.n) % 500 = 3, 'failed', 'ready'),
             CONCAT('originals/', a.n * 150 + b.n), NOW(3) - INTERVAL (a.n * 150 + b.n) MINUTE, NOW(3) - INTERVAL (a.n * 150 + b.n) MINUTE
      FROM seq a CROSS JOIN seq b`);
    await admin.query(`ANALYZE TABLE \`${DATABASE}\`.media`);
    pool = mysql.createPool({ ...connectionOptions(), database: DATABASE });
    // The repository's own statements, as it sends them, are what EXPLAIN looks at.
    db = new Kysely<Schema>({ dialect: new MysqlDialect({ pool }), log: (event) => void (event.level === 'query' && statements.push({ sql: event.query.sql, parameters: event.query.parameters })) });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
    await admin?.end();
  });

  function connectionOptions() {
    const settings = appDatabaseSettings('primary');
    return { host: settings.host, port: settings.port, user: settings.user, password: settings.password, timezone: 'Z' };
  }

  it('counts and lists them right, each statement reading tens of index entries, not the table', async () => {
    const operations = createKyselyMediaOperationsRepository(db);
    expect(await operations.countFailed()).toEqual({ store: 45, variants: 45 });
    expect(await operations.listFailedIds(1000)).toHaveLength(90);
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      const [plan] = (await admin.query(`EXPLAIN ${statement.sql}`.replace('`media`', `\`${DATABASE}\`.\`media\``), [...statement.parameters])) as unknown as [{ table: string; type: string; key: string | null; rows: number }[]];
      for (const step of plan) {
        expect(step.type, `${statement.sql}: ${JSON.stringify(step)}`).not.toBe('ALL');
        expect(step.key, statement.sql).not.toBeNull();
        expect(Number(step.rows), `${statement.sql}: ${JSON.stringify(step)}`).toBeLessThan(1000);
      }
    }
  });
});
