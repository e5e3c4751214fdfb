import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * Stored media whose previews failed are counted every 30 s by each media worker (the
 * media_failed gauge) and listed by media:requeue. ix_media_status_updated only narrows them to
 * every stored media, nearly the whole table; this index finds the failed previews alone.
 */
const FAILED_PREVIEWS_INDEX = 'ix_media_variants_status';

export const mediaFailedPreviewsIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media ADD KEY ${FAILED_PREVIEWS_INDEX} (variants_status, status, updated_at)`).execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql.raw(`ALTER TABLE media DROP KEY ${FAILED_PREVIEWS_INDEX}`).execute(db);
  },
};
