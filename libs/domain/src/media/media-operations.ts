/**
 * Operator actions on media rows (failed jobs and orphans): which failed work may be
 * queued again and how its row is put back, how many rows failed, and which object ids have a row
 * at all. Kept apart from the media repository so the worker's hot path does not grow with them.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema/database.ts';
import type { Media } from './media.types.ts';

/** The per-media job that failed for good, and that a requeue runs again. */
export type RequeueJob = 'store' | 'variants';

export type RequeueDecision = { job: RequeueJob } | { job: null; reason: string };

/**
 * `failed` media go back to `spooled` and their `store` job; stored media whose previews failed go
 * back to previews `pending` and their `variants` job. Nothing else is failed work: a deleted or
 * lost media is not requeued (deleting is the owner's choice, `lost` is the repair's verdict).
 */
export function requeueDecision(media: Pick<Media, 'status' | 'variantsStatus'>): RequeueDecision {
  if (media.status === 'failed') return { job: 'store' };
  if (media.status === 'stored' && media.variantsStatus === 'failed') return { job: 'variants' };
  if (media.status === 'stored') return { job: null, reason: `it is stored and its previews are ${media.variantsStatus}, nothing failed` };
  return { job: null, reason: `its status is ${media.status}, not failed` };
}

export interface MediaOperationsRepository {
  /** Failed media by the job that failed: `store` (status failed), `variants` (stored, previews failed). */
  countFailed(): Promise<Record<RequeueJob, number>>;
  /** Ids of failed work, oldest change first, at most `limit`. */
  listFailedIds(limit: number): Promise<string[]>;
  /**
   * Puts failed work back where its job starts: failed → spooled (the store job verifies whatever an
   * earlier attempt left in S3 before sending again), or previews failed → pending. The reason is
   * cleared. Conditional on the failed state, so it reports false when the row moved meanwhile.
   */
  resetForRequeue(id: string, job: RequeueJob, now: Date): Promise<boolean>;
  /** Which of these ids have a media row, whatever its status (deleted and purged rows included). */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
}

export function createKyselyMediaOperationsRepository(db: Kysely<Database>): MediaOperationsRepository {
  return {
    async countFailed() {
      // Two index lookups, (status, updated_at) and (variants_status, status, …), rather than a pass over every stored media.
      const [store, variants] = await Promise.all([
        db.selectFrom('media').select((eb) => eb.fn.countAll<string | number>().as('n')).where('status', '=', 'failed').executeTakeFirstOrThrow(),
        db.selectFrom('media').select((eb) => eb.fn.countAll<string | number>().as('n')).where('status', '=', 'stored').where('variants_status', '=', 'failed').executeTakeFirstOrThrow(),
      ]);
      return { store: Number(store.n), variants: Number(variants.n) };
    },

    async listFailedIds(limit) {
      const rows = await db
        .selectFrom('media')
        .select('id')
        .where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', '=', 'stored'), eb('variants_status', '=', 'failed')])]))
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => row.id);
    },

    async resetForRequeue(id, job, now) {
      const query =
        job === 'store'
          ? db.updateTable('media').set({ status: 'spooled', failure_reason: null, updated_at: now }).where('id', '=', id).where('status', '=', 'failed')
          : db
              .updateTable('media')
              .set({ variants_status: 'pending', failure_reason: null, updated_at: now })
              .where('id', '=', id)
              .where('status', '=', 'stored')
              .where('variants_status', '=', 'failed');
      const result = await query.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async existingIds(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db
        .selectFrom('media')
        .select('id')
        .where('id', 'in', [...ids])
        .execute();
      return new Set(rows.map((row) => row.id));
    },
  };
}
