import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Idempotency keys (the IETF httpapi draft "The Idempotency-Key HTTP Header Field").
 * One row per (scope, key): the scope is the account, or the client address for anonymous calls.
 * The row is inserted in the same transaction as the request's write and completed with the
 * sealed answer before that transaction commits, so a committed write always has its key and
 * its answer, and a request still in flight holds the row's lock (a second one gets 409).
 * Keys and scopes are compared byte for byte (ascii_bin); expired rows are swept by expires_at.
 */
export const idempotencyKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `CREATE TABLE IF NOT EXISTS idempotency_keys (
          scope VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
          idem_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
          fingerprint BINARY(32) NOT NULL,
          status_code SMALLINT UNSIGNED NULL,
          sealed_response MEDIUMBLOB NULL,
          created_at DATETIME(3) NOT NULL,
          expires_at DATETIME(3) NOT NULL,
          PRIMARY KEY (scope, idem_key),
          KEY ix_idempotency_keys_expires (expires_at)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      )
      .execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw('DROP TABLE IF EXISTS idempotency_keys').execute(db);
  },
};
