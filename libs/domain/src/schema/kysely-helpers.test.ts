import { DummyDriver, Kysely, MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.ts';
import { reusableQuery, reusableQueryByLength } from './kysely-helpers.ts';

// Compiles MySQL statements without a server: only the SQL text is under test here.
const db = new Kysely<Database>({
  dialect: { createAdapter: () => new MysqlAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (kysely) => new MysqlIntrospector(kysely), createQueryCompiler: () => new MysqlQueryCompiler() },
});

describe('reusableQuery', () => {
  it('runs the statement Kysely compiles for the real values, built once', () => {
    let builds = 0;
    const byId = reusableQuery(() => {
      builds += 1;
      return db.selectFrom('quote_requests').selectAll().where('id', '=', 0);
    });
    const first = byId([42]);
    const second = byId([7]);
    const direct = db.selectFrom('quote_requests').selectAll().where('id', '=', 42).compile();
    expect(first.sql).toBe(direct.sql);
    expect(first.parameters).toEqual([42]);
    expect(second.parameters).toEqual([7]);
    expect(builds).toBe(1);
  });

  it('refuses a number of values the statement does not take', () => {
    const byId = reusableQuery(() => db.selectFrom('quote_requests').selectAll().where('id', '=', 0));
    expect(() => byId([1, 2])).toThrow(RangeError);
    expect(() => byId([])).toThrow(RangeError);
  });
});

describe('reusableQueryByLength', () => {
  const optionsOf = (maxLength: number) =>
    reusableQueryByLength((ids) => db.selectFrom('quote_request_options').selectAll().where('request_id', 'in', ids).orderBy('option_code'), maxLength);

  it('compiles one statement per list length, each the one Kysely builds for those values', () => {
    const query = optionsOf(5);
    for (const ids of [[3], [3, 4, 5], [9], [1, 2]]) {
      const compiled = query(ids);
      const direct = db.selectFrom('quote_request_options').selectAll().where('request_id', 'in', ids).orderBy('option_code').compile();
      expect(compiled.sql).toBe(direct.sql);
      expect(compiled.parameters).toEqual(ids);
    }
  });

  it('builds a list longer than the cached lengths each time, still right', () => {
    const ids = [1, 2, 3, 4];
    const compiled = optionsOf(2)(ids);
    expect(compiled.sql).toBe(db.selectFrom('quote_request_options').selectAll().where('request_id', 'in', ids).orderBy('option_code').compile().sql);
    expect(compiled.parameters).toEqual(ids);
  });
});
