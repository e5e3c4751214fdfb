/** `npm run db:migrate`: applies pending migrations to the primary only; the replica gets them by replication. */
import { createDatabase, primaryDatabaseEnv, primaryDatabaseSettings, readEnv, runtimeEnv } from '@chucar/platform';
import { applyPendingMigrations } from './migrations.ts';

async function main(): Promise<void> {
  const config = readEnv({ ...runtimeEnv, ...primaryDatabaseEnv });
  const database = createDatabase(primaryDatabaseSettings(config, { poolSize: 1, queryTimeoutMs: 10 * 60_000 }));
  try {
    const applied = await applyPendingMigrations(database.db);
    if (applied.length === 0) console.log(`${config.DB_NAME}: schema is up to date`);
    for (const name of applied) console.log(`${config.DB_NAME}: applied ${name}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
