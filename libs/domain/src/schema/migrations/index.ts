import type { Migration } from 'kysely';
import { marketplaceMigration } from './2026-11-25-0002-marketplace.ts';

/**
 * The marketplace's migrations, oldest first. Names are stored in the database once applied:
 * never rename or edit one; add a new one whose name sorts after the last.
 * tools/db/migrations.ts joins this list with the other owners' into the one applied order.
 */
export const marketplaceMigrations: readonly { name: string; migration: Migration }[] = [
  { name: '2026-11-25-0002-marketplace', migration: marketplaceMigration },
];
