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

/** One multi-row INSERT and how many rows it writes. */
export type InsertStatement = { sql: string; rows: number };

/** Splits `rows` into INSERT statements for `table`, each within `limits`. */
export function insertStatements<Row extends Record<string, SqlValue>>(
  table: string,
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
  limits: InsertLimits = DEFAULT_INSERT_LIMITS,
): InsertStatement[] {
  const head = `INSERT INTO \`${table}\` (${columns.map((column) => `\`${column}\``).join(', ')}) VALUES `;
  const statements: InsertStatement[] = [];
  let tuples: string[] = [];
  let chars = head.length;
  for (const row of rows) {
    const tuple = `(${columns.map((column) => sqlLiteral(row[column] as SqlValue)).join(',')})`;
    if (tuples.length > 0 && (tuples.length >= limits.maxRows || chars + tuple.length + 1 > limits.maxChars)) {
      statements.push({ sql: head + tuples.join(','), rows: tuples.length });
      tuples = [];
      chars = head.length;
    }
    tuples.push(tuple);
    chars += tuple.length + 1;
  }
  if (tuples.length > 0) statements.push({ sql: head + tuples.join(','), rows: tuples.length });
  return statements;
}

/**
 * How much one transaction may write. A Galera node refuses a write-set of more than
 * wsrep_max_ws_rows rows or wsrep_max_ws_size bytes; a plain server has no such limit.
 */
export type TransactionLimits = { maxRows: number; maxBytes: number };

export const UNLIMITED_TRANSACTIONS: TransactionLimits = { maxRows: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };

/**
 * A write-set holds each row's image and its certification keys (the primary key, unique keys and
 * foreign-key parents), not the SQL text: this allowance per row, with the text's bytes, is the
 * estimate kept under the byte limit.
 */
const writeSetBytesPerRow = 256;

function estimatedWriteSetBytes(statement: InsertStatement): number {
  return Buffer.byteLength(statement.sql, 'utf8') + statement.rows * writeSetBytesPerRow;
}

/** Statement limits that keep any one statement inside a transaction of `limits`. */
export function insertLimitsWithin(limits: TransactionLimits, base: InsertLimits = DEFAULT_INSERT_LIMITS): InsertLimits {
  const maxRows = Math.min(base.maxRows, limits.maxRows);
  // Up to 3 bytes per UTF-16 code unit (Hangul), plus the per-row allowance.
  const maxChars = Math.min(base.maxChars, Math.floor((limits.maxBytes - maxRows * writeSetBytesPerRow) / 3));
  if (maxChars < 1024) throw new RangeError(`transactions of at most ${limits.maxBytes} bytes are too small for ${maxRows} rows per statement`);
  return { maxRows, maxChars };
}

/** Groups the statements, in order, into transactions each within `limits`. */
export function groupIntoTransactions(statements: readonly InsertStatement[], limits: TransactionLimits): InsertStatement[][] {
  const transactions: InsertStatement[][] = [];
  let current: InsertStatement[] = [];
  let rows = 0;
  let bytes = 0;
  for (const statement of statements) {
    const statementBytes = estimatedWriteSetBytes(statement);
    if (statement.rows > limits.maxRows || statementBytes > limits.maxBytes) {
      throw new RangeError(`one INSERT of ${statement.rows} rows (~${statementBytes} bytes) is past the transaction limits (${limits.maxRows} rows, ${limits.maxBytes} bytes)`);
    }
    if (current.length > 0 && (rows + statement.rows > limits.maxRows || bytes + statementBytes > limits.maxBytes)) {
      transactions.push(current);
      current = [];
      rows = 0;
      bytes = 0;
    }
    current.push(statement);
    rows += statement.rows;
    bytes += statementBytes;
  }
  if (current.length > 0) transactions.push(current);
  return transactions;
}

/**
 * Runs the statements in order, in as few transactions as `limits` allow: with no limits one
 * transaction, so a batch lands whole or not at all; on a Galera node each write-set stays inside
 * the node's limits, and a batch may land in parts.
 */
export async function executeInTransactions<DB>(db: Kysely<DB>, statements: readonly InsertStatement[], limits: TransactionLimits = UNLIMITED_TRANSACTIONS): Promise<void> {
  for (const transaction of groupIntoTransactions(statements, limits)) {
    await db.transaction().execute(async (trx) => {
      for (const statement of transaction) await trx.executeQuery(CompiledQuery.raw(statement.sql));
    });
  }
}
