import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Media: one row per accepted upload and one per stored preview. The row is the
 * source of truth for the worker and the reconciler, so the status columns are indexed for
 * their scan; (owner_id, sha256) is unique so racing duplicate uploads resolve to one row.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const CREATE_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS media (
    id CHAR(36) NOT NULL PRIMARY KEY,
    owner_id BIGINT UNSIGNED NOT NULL,
    sha256 CHAR(64) NOT NULL,
    size_bytes BIGINT UNSIGNED NOT NULL,
    content_type VARCHAR(40) NOT NULL,
    kind ENUM('image','document') NOT NULL,
    status ENUM('spooled','stored','failed','deleted') NOT NULL,
    variants_status ENUM('none','pending','ready','failed') NOT NULL,
    failure_reason VARCHAR(500) NULL,
    store_attempts INT UNSIGNED NOT NULL DEFAULT 0,
    original_key VARCHAR(200) NOT NULL,
    width INT UNSIGNED NULL,
    height INT UNSIGNED NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    stored_at DATETIME(3) NULL,
    verified_at DATETIME(3) NULL,
    deleted_at DATETIME(3) NULL,
    UNIQUE KEY uq_media_owner_sha256 (owner_id, sha256),
    KEY ix_media_status_updated (status, updated_at),
    CONSTRAINT fk_media_owner FOREIGN KEY (owner_id) REFERENCES accounts (id)
  )`,
  `CREATE TABLE IF NOT EXISTS media_variants (
    media_id CHAR(36) NOT NULL,
    name VARCHAR(16) NOT NULL,
    object_key VARCHAR(200) NOT NULL,
    content_type VARCHAR(40) NOT NULL,
    size_bytes BIGINT UNSIGNED NOT NULL,
    sha256 CHAR(64) NOT NULL,
    width INT UNSIGNED NOT NULL,
    height INT UNSIGNED NOT NULL,
    stored_at DATETIME(3) NOT NULL,
    PRIMARY KEY (media_id, name),
    CONSTRAINT fk_media_variants_media FOREIGN KEY (media_id) REFERENCES media (id)
  )`,
];

/**
 * Attachments now name media: "is this media attached?" (delete) and "which requests show it?"
 * (a dealer reading it) look attachments up by media id, which the primary key cannot serve.
 */
const ATTACHMENTS_BY_MEDIA_INDEX = 'ix_quote_request_attachments_media';

/** Children first, so the foreign key never blocks a drop. */
const TABLES_TO_DROP: readonly string[] = ['media_variants', 'media'];

export const mediaMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of CREATE_STATEMENTS) {
      await sql.raw(`${statement} ${TABLE_OPTIONS}`).execute(db);
    }
    await sql.raw(`ALTER TABLE quote_request_attachments ADD KEY ${ATTACHMENTS_BY_MEDIA_INDEX} (media_id)`).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE quote_request_attachments DROP KEY ${ATTACHMENTS_BY_MEDIA_INDEX}`).execute(db);
    for (const table of TABLES_TO_DROP) {
      await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
    }
  },
};
