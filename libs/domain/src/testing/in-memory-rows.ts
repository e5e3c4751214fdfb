import { compareNewestFirst, isAfterCursor } from '../pagination.ts';
import type { PageQuery } from '../pagination.ts';

/** Rows leave a fake as copies, as they would leave a database: callers cannot edit the store. */
export const copy = <T>(value: T): T => structuredClone(value);

/** Text columns use utf8mb4_unicode_ci, which orders and compares without regard to case or accents. */
export const collate = (a: string, b: string): number => a.localeCompare(b, 'en', { sensitivity: 'base' });
export const byName = (a: { name: string }, b: { name: string }): number => collate(a.name, b.name);

/** Newest first, strictly after the cursor, `limit + 1` rows: the Kysely lists' keyset page. */
export function page<T extends { createdAt: Date; id: number }>(rows: T[], query: PageQuery): T[] {
  return rows
    .filter((row) => isAfterCursor(row, query.after))
    .sort(compareNewestFirst)
    .slice(0, query.limit + 1)
    .map(copy);
}
