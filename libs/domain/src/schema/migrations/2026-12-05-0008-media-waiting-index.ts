import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Each media worker reads, every few seconds, when the oldest upload still waiting to be stored
 * was accepted (MIN(created_at) of the spooled rows, the media_spool_oldest_waiting_seconds
 * gauge). (status, updated_at) finds the spooled rows but not their oldest acceptance without
 * reading each (and updated_at moves on every store attempt), and (created_at) walks every stored
 * upload first; with (status, created_at) the minimum is one index dive.
 */
const WAITING_INDEX = 'ix_media_status_created';

export const mediaWaitingIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media ADD KEY ${WAITING_INDEX} (status, created_at)`).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media DROP KEY ${WAITING_INDEX}`).execute(db);
  },
};
