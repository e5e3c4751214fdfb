import type { MediaRepository } from '../media/media.repository.ts';
import { FAILURE_REASON_MAX_LENGTH, VARIANT_WIDTHS, mediaKindOf, originalObjectKey } from '../media/media.types.ts';
import type { Media } from '../media/media.types.ts';
import { copy } from './in-memory-rows.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/**
 * Media rows in memory, with the Kysely repository's unique key and conditional status moves.
 * Locking reads are plain reads here: the in-memory write runner runs one transaction at a time.
 */
export function inMemoryMediaRepository(store: InMemoryStore): MediaRepository {
  const find = (id: string) => store.state.media.find((media) => media.id === id);
  /** Applies `change` when the row exists and `when` holds; reports whether it did. */
  const move = (id: string, when: (media: Media) => boolean, change: (media: Media) => Partial<Media>): boolean => {
    const media = find(id);
    if (!media || !when(media)) return false;
    Object.assign(media, change(media));
    return true;
  };
  const attachedRequestIds = (mediaId: string) =>
    store.state.quoteRequests.filter((request) => request.attachmentIds.includes(mediaId)).map((request) => request.id);

  return {
    async insert(media, now) {
      const existing = store.state.media.find((row) => row.ownerId === media.ownerId && row.sha256 === media.sha256);
      if (existing) return { media: copy(existing), created: false };
      if (find(media.id)) throw new Error(`duplicate media id ${media.id}`);
      const kind = mediaKindOf(media.contentType);
      const row: Media = {
        id: media.id,
        ownerId: media.ownerId,
        sha256: media.sha256,
        sizeBytes: media.sizeBytes,
        contentType: media.contentType,
        kind,
        status: 'spooled',
        variantsStatus: kind === 'image' ? 'pending' : 'none',
        failureReason: null,
        storeAttempts: 0,
        originalKey: originalObjectKey(media.id),
        width: media.width ?? null,
        height: media.height ?? null,
        createdAt: now,
        updatedAt: now,
        storedAt: null,
        verifiedAt: null,
        deletedAt: null,
        lostAt: null,
        purgedAt: null,
      };
      store.state.media.push(row);
      return { media: copy(row), created: true };
    },
    findById: async (id) => copy(find(id)),
    findByIdForUpdate: async (id) => copy(find(id)),
    findManyForShare: async (ids) => copy(store.state.media.filter((media) => ids.includes(media.id)).sort((a, b) => (a.id < b.id ? -1 : 1))),
    listVariants: async (mediaId) =>
      copy(store.state.mediaVariants.filter((variant) => variant.mediaId === mediaId).sort((a, b) => VARIANT_WIDTHS[a.name] - VARIANT_WIDTHS[b.name])),
    async incrementStoreAttempts(id, now) {
      const media = find(id);
      if (!media) return 0;
      Object.assign(media, { storeAttempts: media.storeAttempts + 1, updatedAt: now });
      return media.storeAttempts;
    },
    markStored: async (id, at) => move(id, (media) => media.status === 'spooled', () => ({ status: 'stored', storedAt: at, verifiedAt: at, updatedAt: at })),
    markFailed: async (id, reason, now) =>
      move(id, (media) => media.status === 'spooled', () => ({ status: 'failed', failureReason: reason.slice(0, FAILURE_REASON_MAX_LENGTH), updatedAt: now })),
    markDeleted: async (id, now) => move(id, (media) => media.status !== 'deleted', () => ({ status: 'deleted', deletedAt: now, updatedAt: now })),
    revive: async (id, now) =>
      move(
        id,
        (media) => media.status === 'deleted' || media.status === 'lost',
        (media) => ({
          status: media.storedAt && !media.purgedAt && media.status !== 'lost' ? 'stored' : 'spooled',
          variantsStatus: media.purgedAt && media.kind === 'image' ? 'pending' : media.variantsStatus,
          failureReason: media.status === 'lost' ? null : media.failureReason,
          deletedAt: null,
          lostAt: null,
          purgedAt: null,
          updatedAt: now,
        }),
      ),
    async recordVariant(variant, storedAt) {
      const others = store.state.mediaVariants.filter((row) => !(row.mediaId === variant.mediaId && row.name === variant.name));
      store.state.mediaVariants = [...others, { ...copy(variant), storedAt }];
    },
    markVariantsReady: async (id, now) => move(id, (media) => media.variantsStatus === 'pending', () => ({ variantsStatus: 'ready', updatedAt: now })),
    markVariantsFailed: async (id, reason, now) =>
      move(
        id,
        (media) => media.variantsStatus === 'pending',
        () => ({ variantsStatus: 'failed', failureReason: reason.slice(0, FAILURE_REASON_MAX_LENGTH), updatedAt: now }),
      ),
    async setDimensions(id, { width, height }, now) {
      move(id, () => true, () => ({ width, height, updatedAt: now }));
    },
    listStuck: async (olderThan, limit) =>
      copy(
        store.state.media
          .filter((media) => media.updatedAt.getTime() < olderThan.getTime())
          .filter((media) => media.status === 'spooled' || (media.status === 'stored' && media.variantsStatus === 'pending'))
          .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit),
      ),
    isAttached: async (mediaId) => attachedRequestIds(mediaId).length > 0,
    listAttachedRequestIds: async (mediaId) => attachedRequestIds(mediaId).sort((a, b) => a - b),
  };
}
