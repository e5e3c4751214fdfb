/**
 * Runs once before the integration tests: brings the local stack up if it is not (idempotent),
 * recreates the test database on the primary, migrates it, loads the demo catalog, and waits
 * for the replica to follow.
 */
import { createDatabase } from '@chucar/platform';
import { stackUp } from '../stack/stack.ts';
import type { Database as Schema } from '@chucar/domain';
import { migrateToLatest } from '../db/migrations.ts';
import { ensureCatalog } from '../db/seed/seed-catalog.ts';
import { appDatabaseSettings, connectWithoutDatabase, testDatabaseName, testStackConfig, waitForReplicaToCatchUp } from './stack-fixture.ts';

export default async function setup(): Promise<void> {
  await stackUp(testStackConfig());
  const admin = await connectWithoutDatabase('admin', 'primary');
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${testDatabaseName}\``);
    await admin.query(`CREATE DATABASE \`${testDatabaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const database = createDatabase<Schema>(appDatabaseSettings('primary', { queryTimeoutMs: 120_000 }));
  try {
    await migrateToLatest(database.db);
    await ensureCatalog(database.db);
  } finally {
    await database.close();
  }
  await waitForReplicaToCatchUp();
}
