import type { ExpectedObject, IncidentOutcome, MediaIncident, MediaStoreName, NewIncident, ObjectCopy, RepairSource } from './media-integrity.types.ts';

/** A copy as the worker records it once verified; storedAt is kept from the first record. */
export type VerifiedCopy = Pick<ObjectCopy, 'store' | 'objectKey' | 'mediaId' | 'sha256' | 'sizeBytes'>;

/** A lost media, for the operator's listing. */
export type LostMedia = { mediaId: string; ownerId: number; originalKey: string; sizeBytes: number; sha256: string; lostAt: Date | null; reason: string | null };

/** A deleted media due for purging, with every object key it may have left in the stores. */
export type PurgeCandidate = { mediaId: string; deletedAt: Date; objectKeys: string[] };

/**
 * The scrubber's, the mirror's and the purge's view of media: which copies were last seen good,
 * what went wrong with them, and the status moves that follow (lost, purged). Only media whose
 * status is `stored` is scrubbed: deleted media waits for its purge, lost media for its owner.
 */
export interface MediaIntegrityRepository {
  /** Inserts or refreshes a copy as verified at `at`; `rehashed` also sets rehashed_at (else it is kept, or null when new). */
  recordCopy(copy: VerifiedCopy, at: Date, rehashed: boolean): Promise<void>;
  /** HEAD showed the expected size and SHA-256 metadata. */
  markVerified(store: MediaStoreName, objectKeys: readonly string[], at: Date): Promise<void>;
  /** A full re-read matched (also counts as verified). */
  markRehashed(store: MediaStoreName, objectKeys: readonly string[], at: Date): Promise<void>;
  removeCopy(store: MediaStoreName, objectKey: string): Promise<void>;
  findCopy(store: MediaStoreName, objectKey: string): Promise<ObjectCopy | undefined>;
  listCopiesOfMedia(mediaId: string): Promise<ObjectCopy[]>;
  /** Copies of stored media stored at or after `since`, newest first (the HEAD pass's window). */
  listNewestCopies(store: MediaStoreName, since: Date, limit: number): Promise<ObjectCopy[]>;
  /**
   * Copies of stored media not re-hashed since `rehashedBefore`: never re-hashed first, then
   * re-hashed longest ago (the rolling full pass; a pass passes its start so it ends).
   */
  listLeastRecentlyRehashed(store: MediaStoreName, rehashedBefore: Date, limit: number): Promise<ObjectCopy[]>;
  /** Objects stored media must have (originals and previews) with no recorded copy in `store`. */
  listUncopied(store: MediaStoreName, limit: number): Promise<ExpectedObject[]>;
  /** The objects one stored media must have. */
  expectedObjects(mediaId: string): Promise<ExpectedObject[]>;
  /** Records an incident, or returns the one still open for the same object and store (refreshing its detail). */
  openIncident(incident: NewIncident): Promise<{ incident: MediaIncident; created: boolean }>;
  resolveIncident(id: number, outcome: Exclude<IncidentOutcome, 'open'>, at: Date, repairedFrom: RepairSource | null, detail: string | null): Promise<void>;
  /** Newest first; `outcome` filters. */
  listIncidents(filter: { outcome?: IncidentOutcome; since?: Date; mediaId?: string; limit: number }): Promise<MediaIncident[]>;
  /** stored → lost with the reason; false when the row was not stored. */
  markLost(mediaId: string, reason: string, at: Date): Promise<boolean>;
  listLost(limit: number): Promise<LostMedia[]>;
  /** A stored image's previews are made again: their rows and copies go, variants back to pending. */
  resetVariants(mediaId: string, at: Date): Promise<boolean>;
  /**
   * Deleted media deleted at or before `deletedBefore`, oldest first, that are not purged yet or
   * still have copies recorded (a store failed during their purge).
   */
  listPurgeable(deletedBefore: Date, limit: number): Promise<PurgeCandidate[]>;
  /**
   * Claims a purge (in a transaction): sets purged_at when the row is still deleted, unpurged and
   * deleted at or before `deletedBefore`, and forgets its previews' rows. True while the row is
   * deleted and purged (also a retry's claim); false when the owner brought it back meanwhile.
   * Purged first, objects deleted after: an upload of the same bytes from now on stores afresh.
   */
  claimPurge(mediaId: string, deletedBefore: Date, at: Date): Promise<boolean>;
  /** Forgets a copy of purged media once its object is deleted (a revived media's copies stay). */
  forgetPurgedCopy(store: MediaStoreName, objectKey: string): Promise<void>;
}
