import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { Database, MediaIncidentsTable, MediaObjectCopiesTable } from '../schema/database.ts';
import type { MediaIntegrityRepository } from './media-integrity.repository.ts';
import { INCIDENT_DETAIL_MAX_LENGTH } from './media-integrity.types.ts';
import type { ExpectedObject, MediaIncident, ObjectCopy } from './media-integrity.types.ts';
import { FAILURE_REASON_MAX_LENGTH } from './media.types.ts';

type CopyRow = Selectable<MediaObjectCopiesTable>;
type IncidentRow = Selectable<MediaIncidentsTable>;

const cut = (text: string | null, length: number) => (text === null ? null : text.slice(0, length));

export function createKyselyMediaIntegrityRepository(db: Kysely<Database>): MediaIntegrityRepository {
  /** Copies whose media is stored: the only ones the scrubber looks at. */
  const storedCopies = (store: ObjectCopy['store']) =>
    db
      .selectFrom('media_object_copies as c')
      .innerJoin('media as m', 'm.id', 'c.media_id')
      .selectAll('c')
      .where('c.store', '=', store)
      .where('m.status', '=', 'stored');

  const expectedOriginals = () =>
    db
      .selectFrom('media as m')
      .select([
        'm.id as media_id',
        'm.original_key as object_key',
        'm.sha256 as sha256',
        'm.size_bytes as size_bytes',
        'm.content_type as content_type',
        sql<'original'>`'original'`.as('role'),
      ])
      .where('m.status', '=', 'stored');
  const expectedVariants = () =>
    db
      .selectFrom('media_variants as v')
      .innerJoin('media as m', 'm.id', 'v.media_id')
      .select([
        'v.media_id as media_id',
        'v.object_key as object_key',
        'v.sha256 as sha256',
        'v.size_bytes as size_bytes',
        'v.content_type as content_type',
        sql<'variant'>`'variant'`.as('role'),
      ])
      .where('m.status', '=', 'stored');

  return {
    async recordCopy(copy, at, rehashed) {
      await db
        .insertInto('media_object_copies')
        .values({
          store: copy.store,
          object_key: copy.objectKey,
          media_id: copy.mediaId,
          sha256: copy.sha256,
          size_bytes: copy.sizeBytes,
          stored_at: at,
          verified_at: at,
          rehashed_at: rehashed ? at : null,
        })
        .onDuplicateKeyUpdate({
          media_id: copy.mediaId,
          sha256: copy.sha256,
          size_bytes: copy.sizeBytes,
          verified_at: at,
          ...(rehashed ? { rehashed_at: at } : {}),
        })
        .execute();
    },
    async markVerified(store, objectKeys, at) {
      if (objectKeys.length === 0) return;
      await db.updateTable('media_object_copies').set({ verified_at: at }).where('store', '=', store).where('object_key', 'in', [...objectKeys]).execute();
    },
    async markRehashed(store, objectKeys, at) {
      if (objectKeys.length === 0) return;
      await db.updateTable('media_object_copies').set({ verified_at: at, rehashed_at: at }).where('store', '=', store).where('object_key', 'in', [...objectKeys]).execute();
    },
    async removeCopy(store, objectKey) {
      await db.deleteFrom('media_object_copies').where('store', '=', store).where('object_key', '=', objectKey).execute();
    },
    async findCopy(store, objectKey) {
      const row = await db.selectFrom('media_object_copies').selectAll().where('store', '=', store).where('object_key', '=', objectKey).executeTakeFirst();
      return row && toCopy(row);
    },
    async listCopiesOfMedia(mediaId) {
      const rows = await db.selectFrom('media_object_copies').selectAll().where('media_id', '=', mediaId).orderBy('store').orderBy('object_key').execute();
      return rows.map(toCopy);
    },
    async listNewestCopies(store, since, limit) {
      const rows = await storedCopies(store).where('c.stored_at', '>=', since).orderBy('c.stored_at', 'desc').orderBy('c.object_key').limit(limit).execute();
      return rows.map(toCopy);
    },
    async listLeastRecentlyRehashed(store, rehashedBefore, limit) {
      // NULL sorts first in ascending order: copies never re-read come before all others.
      const rows = await storedCopies(store)
        .where((eb) => eb.or([eb('c.rehashed_at', 'is', null), eb('c.rehashed_at', '<', rehashedBefore)]))
        .orderBy('c.rehashed_at').orderBy('c.stored_at').orderBy('c.object_key').limit(limit).execute();
      return rows.map(toCopy);
    },
    async listUncopied(store, limit) {
      // Two anti-joins, each on the copies' primary key (store, object_key).
      const originals = await expectedOriginals()
        .leftJoin('media_object_copies as c', (join) => join.onRef('c.object_key', '=', 'm.original_key').on('c.store', '=', store))
        .where('c.object_key', 'is', null)
        .orderBy('m.stored_at')
        .limit(limit)
        .execute();
      const variants = await expectedVariants()
        .leftJoin('media_object_copies as c', (join) => join.onRef('c.object_key', '=', 'v.object_key').on('c.store', '=', store))
        .where('c.object_key', 'is', null)
        .orderBy('v.stored_at')
        .limit(Math.max(0, limit - originals.length))
        .execute();
      return [...originals, ...variants].map(toExpected);
    },
    async expectedObjects(mediaId) {
      const originals = await expectedOriginals().where('m.id', '=', mediaId).execute();
      const variants = await expectedVariants().where('v.media_id', '=', mediaId).orderBy('v.name').execute();
      return [...originals, ...variants].map(toExpected);
    },
    async openIncident(incident) {
      const open = await db
        .selectFrom('media_incidents')
        .selectAll()
        .where('store', '=', incident.store)
        .where('object_key', '=', incident.objectKey)
        .where('outcome', '=', 'open')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (open) {
        await db.updateTable('media_incidents').set({ detail: cut(incident.detail, INCIDENT_DETAIL_MAX_LENGTH), kind: incident.kind }).where('id', '=', open.id).execute();
        return { incident: toIncident({ ...open, detail: cut(incident.detail, INCIDENT_DETAIL_MAX_LENGTH), kind: incident.kind }), created: false };
      }
      const result = await db
        .insertInto('media_incidents')
        .values({
          media_id: incident.mediaId,
          object_key: incident.objectKey,
          store: incident.store,
          kind: incident.kind,
          pass: incident.pass,
          last_verified_good_at: incident.lastVerifiedGoodAt,
          detected_at: incident.detectedAt,
          repaired_at: null,
          repaired_from: null,
          outcome: 'open',
          detail: cut(incident.detail, INCIDENT_DETAIL_MAX_LENGTH),
        })
        .executeTakeFirstOrThrow();
      const row = await db.selectFrom('media_incidents').selectAll().where('id', '=', Number(result.insertId)).executeTakeFirstOrThrow();
      return { incident: toIncident(row), created: true };
    },
    async resolveIncident(id, outcome, at, repairedFrom, detail) {
      await db
        .updateTable('media_incidents')
        .set({ outcome, repaired_at: outcome === 'repaired' ? at : null, repaired_from: repairedFrom, ...(detail === null ? {} : { detail: cut(detail, INCIDENT_DETAIL_MAX_LENGTH) }) })
        .where('id', '=', id)
        .execute();
    },
    async listIncidents({ outcome, since, mediaId, limit }) {
      let query = db.selectFrom('media_incidents').selectAll();
      if (outcome) query = query.where('outcome', '=', outcome);
      if (since) query = query.where('detected_at', '>=', since);
      if (mediaId) query = query.where('media_id', '=', mediaId);
      const rows = await query.orderBy('detected_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toIncident);
    },
    async markLost(mediaId, reason, at) {
      const result = await db
        .updateTable('media')
        .set({ status: 'lost', lost_at: at, failure_reason: reason.slice(0, FAILURE_REASON_MAX_LENGTH), updated_at: at })
        .where('id', '=', mediaId)
        .where('status', '=', 'stored')
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
    async listLost(limit) {
      const rows = await db
        .selectFrom('media')
        .select(['id', 'owner_id', 'original_key', 'size_bytes', 'sha256', 'lost_at', 'failure_reason'])
        .where('status', '=', 'lost')
        .orderBy('lost_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        mediaId: row.id,
        ownerId: Number(row.owner_id),
        originalKey: row.original_key,
        sizeBytes: Number(row.size_bytes),
        sha256: row.sha256,
        lostAt: row.lost_at,
        reason: row.failure_reason,
      }));
    },
    async resetVariants(mediaId, at) {
      const result = await db
        .updateTable('media')
        .set({ variants_status: 'pending', updated_at: at })
        .where('id', '=', mediaId)
        .where('status', '=', 'stored')
        .where('kind', '=', 'image')
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await db.deleteFrom('media_object_copies').where('media_id', '=', mediaId).where('object_key', 'like', 'variants/%').execute();
      await db.deleteFrom('media_variants').where('media_id', '=', mediaId).execute();
      return true;
    },
    async listPurgeable(deletedBefore, limit) {
      const rows = await db
        .selectFrom('media as m')
        .select(['m.id', 'm.original_key', 'm.deleted_at'])
        .where('m.status', '=', 'deleted')
        .where('m.deleted_at', '<=', deletedBefore)
        // Not purged yet, or purged with copies left behind (a store failed while deleting).
        .where((eb) =>
          eb.or([
            eb('m.purged_at', 'is', null),
            eb.exists(eb.selectFrom('media_object_copies as c').select('c.object_key').whereRef('c.media_id', '=', 'm.id')),
          ]),
        )
        .orderBy('m.deleted_at')
        .orderBy('m.id')
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      const ids = rows.map((row) => row.id);
      const [variants, copies] = await Promise.all([
        db.selectFrom('media_variants').select(['media_id', 'object_key']).where('media_id', 'in', ids).execute(),
        db.selectFrom('media_object_copies').select(['media_id', 'object_key']).where('media_id', 'in', ids).execute(),
      ]);
      return rows.map((row) => {
        const keys = new Set([row.original_key]);
        for (const other of [...variants, ...copies]) if (other.media_id === row.id) keys.add(other.object_key);
        return { mediaId: row.id, deletedAt: row.deleted_at ?? deletedBefore, objectKeys: [...keys].sort() };
      });
    },
    async claimPurge(mediaId, deletedBefore, at) {
      await db
        .updateTable('media')
        .set({ purged_at: at, updated_at: at })
        .where('id', '=', mediaId)
        .where('status', '=', 'deleted')
        .where('purged_at', 'is', null)
        .where('deleted_at', '<=', deletedBefore)
        .execute();
      const row = await db.selectFrom('media').select(['status', 'purged_at']).where('id', '=', mediaId).forUpdate().executeTakeFirst();
      if (row?.status !== 'deleted' || row.purged_at === null) return false;
      // Previews are made again if the owner uploads the same bytes; copies go one by one as deleted.
      await db.deleteFrom('media_variants').where('media_id', '=', mediaId).execute();
      return true;
    },
    async forgetPurgedCopy(store, objectKey) {
      await db
        .deleteFrom('media_object_copies')
        .where('store', '=', store)
        .where('object_key', '=', objectKey)
        .where('media_id', 'in', db.selectFrom('media').select('id').where('status', '=', 'deleted').where('purged_at', 'is not', null))
        .execute();
    },
  };
}

function toCopy(row: CopyRow): ObjectCopy {
  return {
    store: row.store,
    objectKey: row.object_key,
    mediaId: row.media_id,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    storedAt: row.stored_at,
    verifiedAt: row.verified_at,
    rehashedAt: row.rehashed_at,
  };
}

function toExpected(row: { media_id: string; object_key: string; sha256: string; size_bytes: number; content_type: string; role: 'original' | 'variant' }): ExpectedObject {
  return { mediaId: row.media_id, objectKey: row.object_key, sha256: row.sha256, sizeBytes: Number(row.size_bytes), contentType: row.content_type, role: row.role };
}

function toIncident(row: IncidentRow): MediaIncident {
  return {
    id: Number(row.id),
    mediaId: row.media_id,
    objectKey: row.object_key,
    store: row.store,
    kind: row.kind,
    pass: row.pass,
    lastVerifiedGoodAt: row.last_verified_good_at,
    detectedAt: row.detected_at,
    repairedAt: row.repaired_at,
    repairedFrom: row.repaired_from,
    outcome: row.outcome,
    detail: row.detail,
  };
}
