import type { Migration } from 'kysely';
import { marketplaceMigration } from './2026-11-25-0002-marketplace.ts';

/**
 * Every migration, keyed by name; the Kysely Migrator runs them in name order.
 * Use with a provider such as `{ getMigrations: async () => migrations }`.
 */
export const migrations: Record<string, Migration> = {
  // '2026-11-25-0001-replication-heartbeat': added by the platform (lead) — keep this key free.
  '2026-11-25-0002-marketplace': marketplaceMigration,
};
