import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';
import { domainMigrations } from '@chucar/domain';
import { heartbeatMigration } from '@chucar/platform';

export type NamedMigration = { name: string; migration: Migration };

/**
 * Every migration, in the one order they are applied. Each owner keeps its own list, oldest
 * first; a new owner's list is spread in below with names dated after the last one here.
 * Applied names are stored in `kysely_migration`: renaming one makes the Migrator refuse to run.
 */
export const orderedMigrations: readonly NamedMigration[] = [
  { name: '2026-11-25-0001-replication-heartbeat', migration: heartbeatMigration },
  ...domainMigrations,
  // The replica reporter's migrations go here, after the domain's (marketplace, media).
];

/**
 * Throws unless names are unique and strictly ascending. The Migrator applies in name order
 * (plain string order) and refuses a new name that sorts before an applied one, so the list's
 * order must already be that order for it to mean anything.
 */
export function checkMigrationOrder(migrations: readonly NamedMigration[]): void {
  let previous: string | undefined;
  for (const { name } of migrations) {
    if (previous === name) throw new Error(`migration ${name} is listed twice`);
    if (previous !== undefined && name < previous) throw new Error(`migration ${name} is listed after ${previous} but sorts before it`);
    previous = name;
  }
}

/** The ordered list as the Migrator's provider wants it, checked first. */
export function allMigrations(): Record<string, Migration> {
  checkMigrationOrder(orderedMigrations);
  return Object.fromEntries(orderedMigrations.map(({ name, migration }) => [name, migration]));
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
