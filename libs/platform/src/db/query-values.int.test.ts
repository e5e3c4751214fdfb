/** The guard sits in the pool's query wrapper: every query the app sends passes it, and a refusal costs the pool nothing. */
import { CompiledQuery } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAs, openAppDatabase } from '../testing/local-stack.ts';
import { UnsafeQueryValueError } from './query-values.ts';

describe('unsafe query values against the real server', () => {
  const database = openAppDatabase('primary', { poolSize: 1 });
  afterAll(() => database.close());
  const select = (value: unknown) => database.db.executeQuery(CompiledQuery.raw('SELECT ? AS answer', [value]));

  it('without the guard, Infinity reaches MariaDB as a bare word', async () => {
    const plain = await connectAs('app', 'primary');
    try {
      await expect(plain.query('SELECT ? AS answer', [Infinity])).rejects.toThrow(/Unknown column 'Infinity'/);
    } finally {
      await plain.end();
    }
  });

  it('the app’s pools refuse it before sending, and the one pooled connection stays usable', async () => {
    await expect(select(Infinity)).rejects.toBeInstanceOf(UnsafeQueryValueError);
    await expect(select(new Date(Number.NaN))).rejects.toThrow(/invalid Date/);
    await expect(database.runSql('SELECT ? AS answer', [Number.NaN])).rejects.toThrow(/bare word NaN/);
    expect((await select(42)).rows).toEqual([{ answer: 42 }]);
    expect(database.poolUsage()).toMatchObject({ open: 1, waiting: 0 });
  });
});
