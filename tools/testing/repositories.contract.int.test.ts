/**
 * The repository contract (libs/domain/src/testing/repository-contract) against the Kysely
 * repositories on the real primary: the same cases the in-memory fakes pass in the unit tests.
 * It lives in tools because the domain may not import the platform's database helpers.
 */
import { afterAll, beforeAll } from 'vitest';
import type mysql from 'mysql2/promise';
import type { Kysely } from 'kysely';
import { createRepositories, TABLES_CHILDREN_FIRST, type Database as Schema } from '@chucar/domain';
import { describeRepositoryContract } from '@chucar/domain/testing';
import type { Database } from '@chucar/platform';
import { applyPendingMigrations } from '../db/migrations.ts';
import { ensureCatalog } from '../db/seed/seed-catalog.ts';
import { connectWithoutDatabase, openAppDatabase, testDatabaseName } from './stack-fixture.ts';

/** A database of its own: every case empties every table, which no other test file would survive. */
const DATABASE = `${testDatabaseName}_contract`;

async function emptyEveryTable(db: Kysely<Schema>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of TABLES_CHILDREN_FIRST) await trx.deleteFrom(table).execute();
  });
}

let admin: mysql.Connection;
let database: Database<Schema>;

beforeAll(async () => {
  admin = await connectWithoutDatabase('admin', 'primary');
  await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await admin.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  database = openAppDatabase<Schema>('primary', { database: DATABASE });
  await applyPendingMigrations(database.db);
});

afterAll(async () => {
  await database?.close();
  await admin?.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await admin?.end();
});

describeRepositoryContract('Kysely on MariaDB', async (catalog) => {
  await emptyEveryTable(database.db);
  await ensureCatalog(database.db, catalog);
  return createRepositories(database.db);
});
