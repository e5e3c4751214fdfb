import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { migrations as marketplaceMigrations } from '@chucar/domain';
import { heartbeatMigration } from '@chucar/platform';

/** Every migration, in the order their names sort. Applied migrations are never edited: add a new one. */
export function allMigrations(): Record<string, Migration> {
  return {
    '2026-11-25-0001-replication-heartbeat': heartbeatMigration,
    ...marketplaceMigrations,
  };
}

/** Applies pending migrations (idempotent); returns the names of those it applied. */
export async function applyPendingMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  const outcome = await migrateToLatest(db);
  return (outcome.results ?? []).map((result) => result.migrationName);
}

export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider: { getMigrations: async () => allMigrations() } });
  const outcome = await migrator.migrateToLatest();
  if (outcome.error) {
    const failed = outcome.results?.find((result) => result.status === 'Error');
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    throw new Error(`migration ${failed?.migrationName ?? '(setup)'} failed: ${reason}`);
  }
  return outcome;
}
