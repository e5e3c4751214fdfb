/**
 * Multi-row INSERT statements with inline literals: one round trip per few thousand rows
 * instead of one per row, and no 65,535-placeholder limit. Values come from the generator,
 * but strings are still escaped properly (catalog names and notes contain quotes and Hangul).
 */
import { escape } from 'mysql2';
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';

export type InsertLimits = {
  maxRows: number;
  /** Measured in UTF-16 code units; Hangul takes 3 bytes in utf8mb4, so this is kept at a third of max_allowed_packet or less. */
  maxChars: number;
};

/** 16 MiB max_allowed_packet (the stack's default) with room to spare even if every character took 3 bytes. */
export const DEFAULT_INSERT_LIMITS: InsertLimits = { maxRows: 5_000, maxChars: 4_000_000 };

export type SqlValue = string | number | Date | null;

export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to SQL`);
    return String(value);
  }
  // DATETIME(3) in UTC, as the pools run with timezone 'Z'.
  if (value instanceof Date) return `'${value.toISOString().slice(0, 23).replace('T', ' ')}'`;
  return escape(value);
}

/** Splits `rows` into INSERT statements for `table`, each within `limits`. */
export function insertStatements<Row extends Record<string, SqlValue>>(
  table: string,
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
  limits: InsertLimits = DEFAULT_INSERT_LIMITS,
): string[] {
  const head = `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES `;
  const statements: string[] = [];
  let tuples: string[] = [];
  let chars = head.length;
  for (const row of rows) {
    const tuple = `(${columns.map((column) => sqlLiteral(row[column] as SqlValue)).join(',')})`;
    if (tuples.length > 0 && (tuples.length >= limits.maxRows || chars + tuple.length + 1 > limits.maxChars)) {
      statements.push(head + tuples.join(','));
      tuples = [];
      chars = head.length;
    }
    tuples.push(tuple);
    chars += tuple.length + 1;
  }
  if (tuples.length > 0) statements.push(head + tuples.join(','));
  return statements;
}

/** Runs the statements in one transaction: a batch lands whole or not at all. */
export async function executeInTransaction<DB>(db: Kysely<DB>, statements: readonly string[]): Promise<void> {
  if (statements.length === 0) return;
  await db.transaction().execute(async (trx) => {
    for (const statement of statements) await trx.executeQuery(CompiledQuery.raw(statement));
  });
}
