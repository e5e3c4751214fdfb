import { describe, expect, it } from 'vitest';
import { insertStatements, sqlLiteral } from './bulk-insert.ts';

describe('sqlLiteral', () => {
  it('writes numbers, NULL, UTC datetimes and escaped strings', () => {
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(new Date('2026-03-04T05:06:07.089Z'))).toBe("'2026-03-04 05:06:07.089'");
    expect(sqlLiteral("it's \\ 선루프")).toBe("'it\\'s \\\\ 선루프'");
    expect(() => sqlLiteral(Number.NaN)).toThrow();
  });
});

describe('insertStatements', () => {
  const rows = Array.from({ length: 7 }, (_, index) => ({ id: index + 1, name: `n${index + 1}` }));

  it('writes one multi-row INSERT when the rows fit', () => {
    expect(insertStatements('t', ['id', 'name'], rows.slice(0, 2))).toEqual(["INSERT INTO `t` (`id`, `name`) VALUES (1,'n1'),(2,'n2')"]);
    expect(insertStatements('t', ['id', 'name'], [])).toEqual([]);
  });

  it('splits by row count and by size, never losing or repeating a row', () => {
    const byRows = insertStatements('t', ['id', 'name'], rows, { maxRows: 3, maxChars: 1_000_000 });
    expect(byRows).toHaveLength(3);
    const bySize = insertStatements('t', ['id', 'name'], rows, { maxRows: 1_000, maxChars: 60 });
    for (const statement of bySize) expect(statement.length).toBeLessThanOrEqual(60);
    for (const statements of [byRows, bySize]) {
      const ids = statements.join(' ').match(/\((\d+),/g)?.map((match) => Number(match.slice(1, -1)));
      expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }
  });
});
