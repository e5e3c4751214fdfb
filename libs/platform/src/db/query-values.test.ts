import { format } from 'mysql2';
import { describe, expect, it } from 'vitest';
import { refuseUnsafeQueryValues, UnsafeQueryValueError } from './query-values.ts';

const sql = 'SELECT * FROM trims WHERE id = ?';

describe('refuseUnsafeQueryValues', () => {
  it('lets through every value mysql2 writes as a quoted or numeric literal', () => {
    const literals = [1, -0, 1.5, 9007199254740991, 1e21, 12n, 'Infinity', '', null, true, new Date('2026-01-01T00:00:00Z'), Buffer.from('x'), [1, 'a', null], new Set([2, 3])];
    for (const value of literals) expect(() => refuseUnsafeQueryValues(sql, [value]), String(value)).not.toThrow();
    expect(() => refuseUnsafeQueryValues(sql, undefined)).not.toThrow();
  });

  it('refuses what mysql2 would write as SQL rather than a literal, naming the value', () => {
    const unsafe: [unknown, RegExp][] = [
      [Infinity, /the number Infinity, which would be sent as the bare word Infinity/],
      [-Infinity, /bare word -Infinity/],
      [NaN, /bare word NaN/],
      [new Date('2016-12-31T23:59:60Z'), /invalid Date, which would be sent as NULL/],
      [[1, Infinity], /a list holding the number Infinity/],
      [new Set([NaN]), /a list holding the number NaN/],
      [{ id: 1 }, /expanded into `column` = value assignments/],
      [new Map([['id', 1]]), /expanded into/],
      [{ toSqlString: () => '1 OR 1=1' }, /raw SQL/],
    ];
    for (const [value, reason] of unsafe) {
      const attempt = () => refuseUnsafeQueryValues(sql, ['ok', value]);
      expect(attempt, String(value)).toThrow(UnsafeQueryValueError);
      expect(attempt).toThrow(reason);
      expect(attempt).toThrow(/#2 is .*: SELECT \* FROM trims WHERE id = \?$/);
    }
  });

  it('reads a lone value as mysql2 does, as a list of one', () => {
    expect(() => refuseUnsafeQueryValues(sql, Infinity)).toThrow(/#1 is the number Infinity/);
    expect(() => refuseUnsafeQueryValues(sql, 7)).not.toThrow();
  });

  // The premise, checked against mysql2's own formatting: if it ever quoted these, the guard could go.
  it('matches what the escaper really writes', () => {
    expect(format(sql, [Infinity])).toBe('SELECT * FROM trims WHERE id = Infinity');
    expect(format(sql, [NaN])).toBe('SELECT * FROM trims WHERE id = NaN');
    expect(format(sql, [new Date(Number.NaN)])).toBe('SELECT * FROM trims WHERE id = NULL');
    expect(format('UPDATE t SET ?', [{ id: 1 }])).toBe('UPDATE t SET `id` = 1');
    expect(format(sql, [1e21])).toBe('SELECT * FROM trims WHERE id = 1e+21');
  });
});
