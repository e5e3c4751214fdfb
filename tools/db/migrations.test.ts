import { describe, expect, it } from 'vitest';
import type { Migration } from 'kysely';
import { allMigrations, checkMigrationOrder, orderedMigrations } from './migrations.ts';

/** Applied to deployed databases already: these names may never change or move. */
const APPLIED_NAMES = ['2026-11-25-0001-replication-heartbeat', '2026-11-25-0002-marketplace', '2026-11-26-0003-media'];

const noop: Migration = { up: async () => undefined };
const named = (...names: string[]) => names.map((name) => ({ name, migration: noop }));

describe('the ordered migration list', () => {
  it('starts with the applied migrations, unrenamed and in their order', () => {
    expect(orderedMigrations.map(({ name }) => name).slice(0, APPLIED_NAMES.length)).toEqual(APPLIED_NAMES);
  });

  it('is in the order the Migrator applies, which is name order', () => {
    expect(() => checkMigrationOrder(orderedMigrations)).not.toThrow();
    const names = Object.keys(allMigrations());
    expect(names).toEqual(orderedMigrations.map(({ name }) => name));
    expect(names).toEqual([...names].sort());
  });

  it('refuses a name listed twice', () => {
    expect(() => checkMigrationOrder(named('2026-01-01-a', '2026-01-01-a'))).toThrow('migration 2026-01-01-a is listed twice');
  });

  it('refuses a migration listed after one that sorts later', () => {
    expect(() => checkMigrationOrder(named('2026-01-01-a', '2026-03-01-c', '2026-02-01-b'))).toThrow(
      'migration 2026-02-01-b is listed after 2026-03-01-c but sorts before it',
    );
  });
});
