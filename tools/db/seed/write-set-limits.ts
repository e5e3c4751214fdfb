/**
 * What one seeding transaction may write on the server it writes to. A Galera node certifies and
 * replicates each transaction as one write-set and refuses one of more than wsrep_max_ws_rows rows
 * (0: no limit) or wsrep_max_ws_size bytes, after having written it all; a plain server (wsrep_on
 * OFF, or a server without wsrep) has no such limit.
 */
import { sql, type Kysely } from 'kysely';
import { UNLIMITED_TRANSACTIONS, type TransactionLimits } from './bulk-insert.ts';

export type WriteSetSettings = { wsrepOn: boolean; maxWriteSetRows: number; maxWriteSetBytes: number };

/** The limits for the seeder's transactions: the node's row limit, and half its byte limit (the size estimate is rough). */
export function transactionLimitsFor(settings: WriteSetSettings | null): TransactionLimits {
  if (settings === null || !settings.wsrepOn) return UNLIMITED_TRANSACTIONS;
  return {
    maxRows: settings.maxWriteSetRows > 0 ? settings.maxWriteSetRows : Number.POSITIVE_INFINITY,
    maxBytes: Math.floor(settings.maxWriteSetBytes / 2),
  };
}

/** The server's write-set settings, or null on a server that has none (not built with wsrep). */
export async function readWriteSetSettings<DB>(db: Kysely<DB>): Promise<WriteSetSettings | null> {
  try {
    const { rows } = await sql<{ wsrepOn: number | string; maxRows: number | string; maxBytes: number | string }>`SELECT @@wsrep_on AS wsrepOn, @@wsrep_max_ws_rows AS maxRows, @@wsrep_max_ws_size AS maxBytes`.execute(db);
    const row = rows[0]!;
    return { wsrepOn: Number(row.wsrepOn) === 1, maxWriteSetRows: Number(row.maxRows), maxWriteSetBytes: Number(row.maxBytes) };
  } catch (error) {
    // ER_UNKNOWN_SYSTEM_VARIABLE: a server without Galera support.
    if ((error as { errno?: unknown }).errno === 1193) return null;
    throw error;
  }
}

/** The limits for the seeder's transactions on the server `db` writes to (none off Galera). */
export async function readTransactionLimits<DB>(db: Kysely<DB>): Promise<TransactionLimits> {
  return transactionLimitsFor(await readWriteSetSettings(db));
}

/** One line for the operator: which limits the transactions keep to, and where they come from. */
export function describeTransactionLimits(settings: WriteSetSettings | null, limits: TransactionLimits): string {
  if (settings === null || !settings.wsrepOn) return 'not a Galera node: each batch in one transaction';
  const rows = Number.isFinite(limits.maxRows) ? `${limits.maxRows} rows` : 'any number of rows';
  return `a Galera node (wsrep_max_ws_rows ${settings.maxWriteSetRows}, wsrep_max_ws_size ${settings.maxWriteSetBytes}): transactions of at most ${rows} and ~${limits.maxBytes} bytes`;
}
