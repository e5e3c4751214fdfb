import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Media integrity (the scrubber, the mirror's catch-up, repair) and the purge of deleted media:
 * - media gains status `lost` (an original neither store nor the spool can give back), `lost_at`,
 *   and `purged_at` (a deleted media's objects removed after the retention window);
 * - media_object_copies: one row per object and store that was last seen good, so the scrubber's
 *   "newest first" window and its rolling "oldest re-read first" pass, and the mirror's catch-up
 *   ("what has no mirror copy"), are index range scans rather than bucket listings;
 * - media_incidents: every missing or changed object the scrubber found, and what became of it.
 * Copies of what is stored today are recorded as primary copies, verified when their media was.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const CREATE_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS media_object_copies (
    store ENUM('primary','mirror') NOT NULL,
    object_key VARCHAR(200) NOT NULL,
    media_id CHAR(36) NOT NULL,
    sha256 CHAR(64) NOT NULL,
    size_bytes BIGINT UNSIGNED NOT NULL,
    stored_at DATETIME(3) NOT NULL,
    verified_at DATETIME(3) NOT NULL,
    rehashed_at DATETIME(3) NULL,
    PRIMARY KEY (store, object_key),
    KEY ix_media_object_copies_media (media_id),
    KEY ix_media_object_copies_stored (store, stored_at),
    KEY ix_media_object_copies_rehashed (store, rehashed_at),
    CONSTRAINT fk_media_object_copies_media FOREIGN KEY (media_id) REFERENCES media (id)
  )`,
  `CREATE TABLE IF NOT EXISTS media_incidents (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    media_id CHAR(36) NOT NULL,
    object_key VARCHAR(200) NOT NULL,
    store ENUM('primary','mirror') NOT NULL,
    kind ENUM('missing','changed','size') NOT NULL,
    pass ENUM('head','full') NOT NULL,
    last_verified_good_at DATETIME(3) NULL,
    detected_at DATETIME(3) NOT NULL,
    repaired_at DATETIME(3) NULL,
    repaired_from ENUM('spool','primary','mirror','regenerated') NULL,
    outcome ENUM('open','repaired','unrepairable') NOT NULL,
    detail VARCHAR(500) NULL,
    KEY ix_media_incidents_media (media_id),
    KEY ix_media_incidents_object (store, object_key, outcome),
    KEY ix_media_incidents_outcome_detected (outcome, detected_at),
    KEY ix_media_incidents_detected (detected_at),
    CONSTRAINT fk_media_incidents_media FOREIGN KEY (media_id) REFERENCES media (id)
  )`,
];

const BACKFILL_STATEMENTS: readonly string[] = [
  `INSERT IGNORE INTO media_object_copies (store, object_key, media_id, sha256, size_bytes, stored_at, verified_at, rehashed_at)
    SELECT 'primary', original_key, id, sha256, size_bytes, stored_at, COALESCE(verified_at, stored_at), NULL
    FROM media WHERE stored_at IS NOT NULL AND status IN ('stored','deleted')`,
  `INSERT IGNORE INTO media_object_copies (store, object_key, media_id, sha256, size_bytes, stored_at, verified_at, rehashed_at)
    SELECT 'primary', v.object_key, v.media_id, v.sha256, v.size_bytes, v.stored_at, v.stored_at, NULL
    FROM media_variants v JOIN media m ON m.id = v.media_id WHERE m.status IN ('stored','deleted')`,
];

/** Children first, so the foreign keys never block a drop. */
const TABLES_TO_DROP: readonly string[] = ['media_incidents', 'media_object_copies'];

export const mediaIntegrityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql
      .raw(
        `ALTER TABLE media
          MODIFY status ENUM('spooled','stored','failed','deleted','lost') NOT NULL,
          ADD COLUMN lost_at DATETIME(3) NULL AFTER deleted_at,
          ADD COLUMN purged_at DATETIME(3) NULL AFTER lost_at,
          ADD KEY ix_media_purge (status, purged_at, deleted_at)`,
      )
      .execute(db);
    for (const statement of CREATE_STATEMENTS) {
      await sql.raw(`${statement} ${TABLE_OPTIONS}`).execute(db);
    }
    for (const statement of BACKFILL_STATEMENTS) {
      await sql.raw(statement).execute(db);
    }
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of TABLES_TO_DROP) {
      await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
    }
    // A lost media has no status to go back to but failed, with its reason.
    await sql.raw(`UPDATE media SET status = 'failed', failure_reason = 'lost: no store held the original' WHERE status = 'lost'`).execute(db);
    await sql.raw(`ALTER TABLE media DROP KEY ix_media_purge, DROP COLUMN purged_at, DROP COLUMN lost_at, MODIFY status ENUM('spooled','stored','failed','deleted') NOT NULL`).execute(db);
  },
};
