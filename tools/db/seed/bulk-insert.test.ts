import { describe, expect, it } from 'vitest';
import { groupIntoTransactions, insertLimitsWithin, insertStatements, sqlLiteral, UNLIMITED_TRANSACTIONS } from './bulk-insert.ts';

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
    expect(insertStatements('t', ['id', 'name'], rows.slice(0, 2))).toEqual([{ sql: "INSERT INTO `t` (`id`, `name`) VALUES (1,'n1'),(2,'n2')", rows: 2 }]);
    expect(insertStatements('t', ['id', 'name'], [])).toEqual([]);
  });

  it('splits by row count and by size, never losing or repeating a row', () => {
    const byRows = insertStatements('t', ['id', 'name'], rows, { maxRows: 3, maxChars: 1_000_000 });
    expect(byRows).toHaveLength(3);
    const bySize = insertStatements('t', ['id', 'name'], rows, { maxRows: 1_000, maxChars: 60 });
    for (const statement of bySize) expect(statement.sql.length).toBeLessThanOrEqual(60);
    for (const statements of [byRows, bySize]) {
      const ids = statements.map((statement) => statement.sql).join(' ').match(/\((\d+),/g)?.map((match) => Number(match.slice(1, -1)));
      expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(statements.reduce((sum, statement) => sum + statement.rows, 0)).toBe(7);
    }
  });
});

describe('groupIntoTransactions', () => {
  const rows = Array.from({ length: 50 }, (_, index) => ({ id: index + 1, name: `이름-${index + 1}` }));
  const statements = [...insertStatements('parent', ['id', 'name'], rows, { maxRows: 7, maxChars: 1_000_000 }), ...insertStatements('child', ['id', 'name'], rows, { maxRows: 7, maxChars: 1_000_000 })];

  it('keeps everything in one transaction without limits', () => {
    expect(groupIntoTransactions(statements, UNLIMITED_TRANSACTIONS)).toEqual([statements]);
  });

  it('keeps each transaction within the row limit, statements whole and in order', () => {
    const transactions = groupIntoTransactions(statements, { maxRows: 20, maxBytes: Number.POSITIVE_INFINITY });
    for (const transaction of transactions) expect(transaction.reduce((sum, statement) => sum + statement.rows, 0)).toBeLessThanOrEqual(20);
    expect(transactions.flat()).toEqual(statements);
    // 100 rows in statements of 7 (and two of 1): at most 2 statements of 7 per transaction.
    expect(transactions.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps each transaction within the byte limit, counting UTF-8 bytes and a per-row allowance for keys', () => {
    const maxBytes = 4_000;
    const transactions = groupIntoTransactions(statements, { maxRows: Number.POSITIVE_INFINITY, maxBytes });
    for (const transaction of transactions) {
      const bytes = transaction.reduce((sum, statement) => sum + Buffer.byteLength(statement.sql) + statement.rows * 256, 0);
      expect(bytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(transactions.flat()).toEqual(statements);
  });

  it('refuses a statement that no transaction within the limits can hold', () => {
    expect(() => groupIntoTransactions(statements, { maxRows: 5, maxBytes: Number.POSITIVE_INFINITY })).toThrow(/past the transaction limits/);
  });
});

describe('insertLimitsWithin', () => {
  it('makes every statement fit a transaction on its own', () => {
    const limits = { maxRows: 300, maxBytes: 200_000 };
    const statementLimits = insertLimitsWithin(limits);
    expect(statementLimits.maxRows).toBe(300);
    const rows = Array.from({ length: 2_000 }, (_, index) => ({ id: index + 1, name: '가'.repeat(100) }));
    const statements = insertStatements('t', ['id', 'name'], rows, statementLimits);
    expect(() => groupIntoTransactions(statements, limits)).not.toThrow();
  });

  it('keeps the usual statement size when nothing limits the transaction', () => {
    expect(insertLimitsWithin(UNLIMITED_TRANSACTIONS)).toEqual({ maxRows: 5_000, maxChars: 4_000_000 });
  });
});
