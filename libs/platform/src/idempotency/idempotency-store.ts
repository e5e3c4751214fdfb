import { sql, type Kysely } from 'kysely';
import type { RunSql } from '../db/mariadb-dialect.ts';

/**
 * The idempotency_keys table (migration 0005 of libs/domain). Every statement takes a RunSql so
 * the claim and the answer run inside the request's own write transaction.
 */
const table = 'idempotency_keys';

export interface StoredIdempotencyRecord {
  fingerprint: Buffer;
  statusCode: number;
  sealedAnswer: Buffer;
}

/** A committed, unexpired key. (A key whose request is still in flight is uncommitted, so invisible here.) */
export async function findIdempotencyRecord(run: RunSql, scope: string, key: string, now: Date): Promise<StoredIdempotencyRecord | null> {
  const [row] = await run(`SELECT fingerprint, status_code, sealed_response FROM ${table} WHERE scope = ? AND idem_key = ? AND expires_at > ?`, [scope, key, now]);
  if (!row || row['status_code'] === null || row['sealed_response'] === null) return null;
  return { fingerprint: row['fingerprint'] as Buffer, statusCode: Number(row['status_code']), sealedAnswer: row['sealed_response'] as Buffer };
}

/**
 * `claimed`: the row is ours, locked until our transaction ends. `in_flight`: another transaction
 * holds it right now (no waiting: InnoDB's lock wait is set to 0 for this one statement).
 * `taken`: another request committed it since we looked.
 */
export type ClaimOutcome = 'claimed' | 'in_flight' | 'taken';

export async function claimIdempotencyKey(run: RunSql, claim: { scope: string; key: string; fingerprint: Buffer; now: Date; expiresAt: Date }): Promise<ClaimOutcome> {
  // Insert first: a DELETE of an absent key would lock the gap around it and make parallel claims of
  // other keys in the same scope fail. InnoDB's lock wait is 0 for these statements only.
  const insert = () =>
    run(`SET STATEMENT innodb_lock_wait_timeout = 0 FOR INSERT INTO ${table} (scope, idem_key, fingerprint, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`, [
      claim.scope,
      claim.key,
      claim.fingerprint,
      claim.now,
      claim.expiresAt,
    ]);
  try {
    try {
      await insert();
      return 'claimed';
    } catch (error) {
      if (errnoOf(error) !== 1062) throw error;
    }
    // The key exists. If it expired it may be used again: delete that row (a lock on it alone) and insert.
    await run(`SET STATEMENT innodb_lock_wait_timeout = 0 FOR DELETE FROM ${table} WHERE scope = ? AND idem_key = ? AND expires_at <= ?`, [claim.scope, claim.key, claim.now]);
    await insert();
    return 'claimed';
  } catch (error) {
    const errno = errnoOf(error);
    if (errno === 1205) return 'in_flight'; // ER_LOCK_WAIT_TIMEOUT: another transaction holds the key
    if (errno === 1062) return 'taken'; // ER_DUP_ENTRY: committed, not expired
    throw error;
  }
}

function errnoOf(error: unknown): number | undefined {
  return (error as { errno?: number } | null)?.errno;
}

export async function storeIdempotentAnswer(run: RunSql, scope: string, key: string, statusCode: number, sealedAnswer: Buffer): Promise<void> {
  await run(`UPDATE ${table} SET status_code = ?, sealed_response = ? WHERE scope = ? AND idem_key = ?`, [statusCode, sealedAnswer, scope, key]);
}

/** Deletes up to `limit` expired keys (a short transaction each); returns how many went. */
export async function deleteExpiredIdempotencyKeys<DB>(db: Kysely<DB>, now: Date, limit = 1000): Promise<number> {
  const result = await sql`DELETE FROM ${sql.table(table)} WHERE expires_at <= ${now} LIMIT ${sql.lit(Math.trunc(limit))}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
