import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MediaTable, MediaVariantsTable } from '../schema/database.ts';
import { isDuplicateKeyError } from '../schema/kysely-helpers.ts';
import type { MediaRepository } from './media.repository.ts';
import { FAILURE_REASON_MAX_LENGTH, VARIANT_WIDTHS, mediaKindOf, originalObjectKey } from './media.types.ts';
import type { Media, MediaStatus, MediaVariant, VariantsStatus } from './media.types.ts';

type Row = Selectable<MediaTable>;
type VariantRow = Selectable<MediaVariantsTable>;

export function createKyselyMediaRepository(db: Kysely<Database>): MediaRepository {
  const selectMedia = () => db.selectFrom('media').selectAll();

  /**
   * A locking read sees the latest committed row, where a plain read inside a transaction would
   * see its snapshot, which may predate the racing insert that just won the unique key.
   */
  const findByOwnerAndSha256Latest = (ownerId: number, sha256: string) =>
    selectMedia().where('owner_id', '=', ownerId).where('sha256', '=', sha256).modifyEnd(sql`lock in share mode`).executeTakeFirst();

  return {
    async insert(media, now) {
      const kind = mediaKindOf(media.contentType);
      try {
        await db
          .insertInto('media')
          .values({
            id: media.id,
            owner_id: media.ownerId,
            sha256: media.sha256,
            size_bytes: media.sizeBytes,
            content_type: media.contentType,
            kind,
            status: 'spooled',
            variants_status: kind === 'image' ? 'pending' : 'none',
            failure_reason: null,
            original_key: originalObjectKey(media.id),
            width: media.width ?? null,
            height: media.height ?? null,
            created_at: now,
            updated_at: now,
            stored_at: null,
            verified_at: null,
            deleted_at: null,
          })
          .execute();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const winner = await findByOwnerAndSha256Latest(media.ownerId, media.sha256);
        // A duplicate of the primary key instead (the same id twice) is a caller's bug: say so.
        if (!winner) throw error;
        return { media: toMedia(winner), created: false };
      }
      const inserted = await selectMedia().where('id', '=', media.id).executeTakeFirstOrThrow();
      return { media: toMedia(inserted), created: true };
    },

    async findById(id) {
      const row = await selectMedia().where('id', '=', id).executeTakeFirst();
      return row && toMedia(row);
    },

    async findByIdForUpdate(id) {
      const row = await selectMedia().where('id', '=', id).forUpdate().executeTakeFirst();
      return row && toMedia(row);
    },

    async findManyForShare(ids) {
      if (ids.length === 0) return [];
      const rows = await selectMedia().where('id', 'in', [...ids]).orderBy('id').modifyEnd(sql`lock in share mode`).execute();
      return rows.map(toMedia);
    },

    async listVariants(mediaId) {
      const rows = await db.selectFrom('media_variants').selectAll().where('media_id', '=', mediaId).execute();
      return rows.map(toVariant).sort((a, b) => VARIANT_WIDTHS[a.name] - VARIANT_WIDTHS[b.name]);
    },

    async incrementStoreAttempts(id, now) {
      await db
        .updateTable('media')
        .set((eb) => ({ store_attempts: eb('store_attempts', '+', 1), updated_at: now }))
        .where('id', '=', id)
        .execute();
      const row = await db.selectFrom('media').select('store_attempts').where('id', '=', id).executeTakeFirst();
      return row ? Number(row.store_attempts) : 0;
    },

    async markStored(id, at) {
      const result = await db
        .updateTable('media')
        .set({ status: 'stored', stored_at: at, verified_at: at, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'spooled')
        .executeTakeFirst();
      return changed(result);
    },

    async markFailed(id, reason, now) {
      const result = await db
        .updateTable('media')
        .set({ status: 'failed', failure_reason: reason.slice(0, FAILURE_REASON_MAX_LENGTH), updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'spooled')
        .executeTakeFirst();
      return changed(result);
    },

    async markDeleted(id, now) {
      const result = await db
        .updateTable('media')
        .set({ status: 'deleted', deleted_at: now, updated_at: now })
        .where('id', '=', id)
        .where('status', '<>', 'deleted')
        .executeTakeFirst();
      return changed(result);
    },

    async revive(id, now) {
      // MariaDB assigns left to right, each later expression seeing the earlier ones: the CASEs
      // read purged_at, lost and stored_at before purged_at and lost_at are cleared.
      const mustStoreAgain = sql<boolean>`(purged_at IS NOT NULL OR stored_at IS NULL OR status = 'lost')`;
      const result = await db
        .updateTable('media')
        .set((eb) => ({
          variants_status: eb
            .case()
            .when(sql<boolean>`purged_at IS NOT NULL AND kind = 'image'`)
            .then(sql.lit<VariantsStatus>('pending'))
            .else(eb.ref('variants_status'))
            .end(),
          failure_reason: eb.case().when('status', '=', 'lost').then(sql.lit(null)).else(eb.ref('failure_reason')).end(),
          status: eb.case().when(mustStoreAgain).then(sql.lit<MediaStatus>('spooled')).else(sql.lit<MediaStatus>('stored')).end(),
          deleted_at: null,
          lost_at: null,
          purged_at: null,
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('status', 'in', ['deleted', 'lost'])
        .executeTakeFirst();
      return changed(result);
    },
    async recordVariant(variant, storedAt) {
      const row = {
        media_id: variant.mediaId,
        name: variant.name,
        object_key: variant.objectKey,
        content_type: variant.contentType,
        size_bytes: variant.sizeBytes,
        sha256: variant.sha256,
        width: variant.width,
        height: variant.height,
        stored_at: storedAt,
      };
      const { media_id: _mediaId, name: _name, ...rest } = row;
      await db.insertInto('media_variants').values(row).onDuplicateKeyUpdate(rest).execute();
    },

    async markVariantsReady(id, now) {
      const result = await db
        .updateTable('media')
        .set({ variants_status: 'ready', updated_at: now })
        .where('id', '=', id)
        .where('variants_status', '=', 'pending')
        .executeTakeFirst();
      return changed(result);
    },

    async markVariantsFailed(id, reason, now) {
      const result = await db
        .updateTable('media')
        .set({ variants_status: 'failed', failure_reason: reason.slice(0, FAILURE_REASON_MAX_LENGTH), updated_at: now })
        .where('id', '=', id)
        .where('variants_status', '=', 'pending')
        .executeTakeFirst();
      return changed(result);
    },

    async setDimensions(id, { width, height }, now) {
      await db.updateTable('media').set({ width, height, updated_at: now }).where('id', '=', id).execute();
    },

    async listStuck(olderThan, limit) {
      const rows = await selectMedia()
        .where('updated_at', '<', olderThan)
        .where((eb) => eb.or([eb('status', '=', 'spooled'), eb.and([eb('status', '=', 'stored'), eb('variants_status', '=', 'pending')])]))
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toMedia);
    },

    async isAttached(mediaId) {
      const row = await db.selectFrom('quote_request_attachments').select('request_id').where('media_id', '=', mediaId).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async listAttachedRequestIds(mediaId) {
      const rows = await db
        .selectFrom('quote_request_attachments')
        .select('request_id')
        .distinct()
        .where('media_id', '=', mediaId)
        .orderBy('request_id')
        .execute();
      return rows.map((row) => Number(row.request_id));
    },
  };
}

/** Rows matched; every conditional update filters on the status it moves from, so matched means moved. */
function changed(result: { numUpdatedRows: bigint }): boolean {
  return result.numUpdatedRows > 0n;
}

function toMedia(row: Row): Media {
  return {
    id: row.id,
    ownerId: Number(row.owner_id),
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    contentType: row.content_type,
    kind: row.kind,
    status: row.status,
    variantsStatus: row.variants_status,
    failureReason: row.failure_reason,
    storeAttempts: Number(row.store_attempts),
    originalKey: row.original_key,
    width: row.width === null ? null : Number(row.width),
    height: row.height === null ? null : Number(row.height),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    storedAt: row.stored_at,
    verifiedAt: row.verified_at,
    deletedAt: row.deleted_at,
    lostAt: row.lost_at,
    purgedAt: row.purged_at,
  };
}

function toVariant(row: VariantRow): MediaVariant {
  return {
    mediaId: row.media_id,
    name: row.name,
    objectKey: row.object_key,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    width: Number(row.width),
    height: Number(row.height),
    storedAt: row.stored_at,
  };
}
