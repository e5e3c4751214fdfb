import type { Media, MediaVariant, NewMedia, NewMediaVariant } from './media.types.ts';

/** `created`: a new row; `existing`: the owner already had these bytes; `revived`: they had deleted them. */
export type RegisterOutcome = 'created' | 'existing' | 'revived';

/**
 * Media rows and their variants. State changes are conditional on the current status and report
 * whether they applied, so a late or repeated job cannot move a row backwards.
 */
export interface MediaRepository {
  /**
   * Inserts a `spooled` row (variants `pending` for images, `none` for documents). When the owner
   * already has media with this SHA-256 it inserts nothing and returns that row instead, also when
   * the two inserts race: the unique key (owner_id, sha256) decides, and the loser reads the winner.
   */
  insert(media: NewMedia, now: Date): Promise<{ media: Media; created: boolean }>;
  findById(id: string): Promise<Media | undefined>;
  /** SELECT … FOR UPDATE: deleting takes this lock, so it serializes with attaching (see findManyForShare). */
  findByIdForUpdate(id: string): Promise<Media | undefined>;
  /** Rows by id in a shared lock (absent ids are left out): attaching holds it until commit. */
  findManyForShare(ids: readonly string[]): Promise<Media[]>;
  /** The variants stored so far, smallest first. */
  listVariants(mediaId: string): Promise<MediaVariant[]>;
  /** Adds one to store_attempts and returns the new count (0 when there is no such row). */
  incrementStoreAttempts(id: string, now: Date): Promise<number>;
  /** spooled → stored, the original written and verified at `at`. */
  markStored(id: string, at: Date): Promise<boolean>;
  /** spooled → failed with a reason (cut to the column's length): a permanent error, not an outage. */
  markFailed(id: string, reason: string, now: Date): Promise<boolean>;
  /** Any status but deleted → deleted. */
  markDeleted(id: string, now: Date): Promise<boolean>;
  /**
   * deleted or lost → stored when its objects are still stored, else spooled (never stored, purged
   * after the retention window, or lost), for the owner uploading the same bytes again: the unique
   * key allows one row per owner and content, and the new upload's spool copy is stored afresh.
   * A purged image's previews are made again.
   */
  revive(id: string, now: Date): Promise<boolean>;
  /** Writes or rewrites one variant (a repeated job overwrites its own earlier row). */
  recordVariant(variant: NewMediaVariant, storedAt: Date): Promise<void>;
  /** variants pending → ready. */
  markVariantsReady(id: string, now: Date): Promise<boolean>;
  /** variants pending → failed, with the reason; the media itself stays usable. */
  markVariantsFailed(id: string, reason: string, now: Date): Promise<boolean>;
  /** Pixel size of the (upright) original, once decoded. */
  setDimensions(id: string, dimensions: { width: number; height: number }, now: Date): Promise<void>;
  /**
   * Rows waiting for work untouched since before `olderThan`, oldest first: spooled (to store) and
   * stored with variants pending (to make previews). The reconciler re-enqueues them.
   */
  listStuck(olderThan: Date, limit: number): Promise<Media[]>;
  isAttached(mediaId: string): Promise<boolean>;
  /** The quote requests the media is attached to, ascending. */
  listAttachedRequestIds(mediaId: string): Promise<number[]>;
}
