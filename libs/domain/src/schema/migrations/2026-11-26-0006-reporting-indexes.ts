import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Indexes the replica reporter's queries need. The media report selects uploads by
 * creation time, which no media index served (a full scan of media per run). Quote requests are
 * already served by ix_quote_requests_created and the filter indexes; incidents by
 * ix_media_incidents_detected. The replica receives the index by replication.
 */
const MEDIA_CREATED_INDEX = 'ix_media_created';

export const reportingIndexesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media ADD KEY ${MEDIA_CREATED_INDEX} (created_at)`).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media DROP KEY ${MEDIA_CREATED_INDEX}`).execute(db);
  },
};
