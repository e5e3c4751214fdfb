import { describe, expect, it } from 'vitest';
import type { NewMedia } from '../../media/media.types.ts';
import { testCatalog } from '../catalog-fixture.ts';
import { T0, arrange, minutesAfterT0 } from './world.ts';
import type { OpenRepositories } from './world.ts';

/** Media ids and hashes by serial number, so rows sort and read predictably. */
const mediaId = (serial: number) => `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`;
const sha = (serial: number) => String(serial).padStart(64, 'f');

export function mediaCases(open: OpenRepositories): void {
  describe('media', () => {
    async function withCustomer() {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      const customer = await world.customer();
      const newMedia = (serial: number, overrides: Partial<NewMedia> = {}): NewMedia => ({
        id: mediaId(serial),
        ownerId: customer,
        sha256: sha(serial),
        sizeBytes: 1_000_000 + serial,
        contentType: 'image/jpeg',
        ...overrides,
      });
      return { repos, world, customer, newMedia };
    }

    it('stores a spooled row whose variants wait for images and never come for documents', async () => {
      const { repos, customer, newMedia } = await withCustomer();
      const photo = await repos.media.insert(newMedia(1, { width: 4032, height: 3024 }), T0);
      const pdf = await repos.media.insert(newMedia(2, { contentType: 'application/pdf' }), T0);

      const expectedPhoto = {
        id: mediaId(1),
        ownerId: customer,
        sha256: sha(1),
        sizeBytes: 1_000_001,
        contentType: 'image/jpeg',
        kind: 'image',
        status: 'spooled',
        variantsStatus: 'pending',
        failureReason: null,
        storeAttempts: 0,
        originalKey: `originals/${mediaId(1)}`,
        width: 4032,
        height: 3024,
        createdAt: T0,
        updatedAt: T0,
        storedAt: null,
        verifiedAt: null,
        deletedAt: null,
        lostAt: null,
        purgedAt: null,
      };
      expect(photo).toEqual({ media: expectedPhoto, created: true });
      expect(pdf.media).toMatchObject({ kind: 'document', variantsStatus: 'none', width: null, height: null });
      expect(await repos.media.findById(mediaId(1))).toEqual(expectedPhoto);
      expect(await repos.media.findByIdForUpdate(mediaId(1))).toEqual(expectedPhoto);
      expect(await repos.media.findById(mediaId(99))).toBeUndefined();
      expect((await repos.media.findManyForShare([mediaId(2), mediaId(99), mediaId(1)])).map((media) => media.id)).toEqual([mediaId(1), mediaId(2)]);
      expect(await repos.media.findManyForShare([])).toEqual([]);
    });

    it('keeps one row per owner and content: a second insert returns the first row', async () => {
      const { repos, world, newMedia } = await withCustomer();
      const first = await repos.media.insert(newMedia(1), T0);
      const again = await repos.media.insert(newMedia(2, { sha256: sha(1) }), minutesAfterT0(1));
      expect(again).toEqual({ media: first.media, created: false });
      const otherOwner = await world.customer();
      expect((await repos.media.insert(newMedia(3, { ownerId: otherOwner, sha256: sha(1) }), T0)).created).toBe(true);
      expect(await repos.media.findById(mediaId(2))).toBeUndefined();
    });

    it('resolves concurrent inserts of the same content to one row that both callers get', async () => {
      const { repos, newMedia } = await withCustomer();
      const results = await Promise.all([1, 2, 3, 4].map((serial) => repos.media.insert(newMedia(serial, { sha256: sha(7) }), T0)));
      expect(results.filter((result) => result.created)).toHaveLength(1);
      expect(new Set(results.map((result) => result.media.id)).size).toBe(1);
    });

    it('moves status only forward: spooled to stored or failed, anything to deleted, deleted back by revive', async () => {
      const { repos, newMedia } = await withCustomer();
      await repos.media.insert(newMedia(1), T0);
      await repos.media.insert(newMedia(2), T0);
      await repos.media.insert(newMedia(3), T0);

      expect(await repos.media.markStored(mediaId(1), minutesAfterT0(1))).toBe(true);
      expect(await repos.media.markStored(mediaId(1), minutesAfterT0(2))).toBe(false);
      expect(await repos.media.markFailed(mediaId(1), 'late', minutesAfterT0(2))).toBe(false);
      expect(await repos.media.findById(mediaId(1))).toMatchObject({ status: 'stored', storedAt: minutesAfterT0(1), verifiedAt: minutesAfterT0(1), updatedAt: minutesAfterT0(1) });

      expect(await repos.media.markFailed(mediaId(2), 'x'.repeat(600), minutesAfterT0(1))).toBe(true);
      expect(await repos.media.markStored(mediaId(2), minutesAfterT0(2))).toBe(false);
      expect(await repos.media.findById(mediaId(2))).toMatchObject({ status: 'failed', failureReason: 'x'.repeat(500) });

      for (const serial of [1, 3]) expect(await repos.media.markDeleted(mediaId(serial), minutesAfterT0(3))).toBe(true);
      expect(await repos.media.markDeleted(mediaId(1), minutesAfterT0(4))).toBe(false);
      expect(await repos.media.markStored(mediaId(3), minutesAfterT0(4))).toBe(false);
      expect(await repos.media.findById(mediaId(1))).toMatchObject({ status: 'deleted', deletedAt: minutesAfterT0(3) });

      expect(await repos.media.revive(mediaId(1), minutesAfterT0(5))).toBe(true);
      expect(await repos.media.revive(mediaId(3), minutesAfterT0(5))).toBe(true);
      expect(await repos.media.revive(mediaId(3), minutesAfterT0(6))).toBe(false);
      expect(await repos.media.findById(mediaId(1))).toMatchObject({ status: 'stored', deletedAt: null, updatedAt: minutesAfterT0(5) });
      expect(await repos.media.findById(mediaId(3))).toMatchObject({ status: 'spooled', deletedAt: null });
    });

    it('counts store attempts and records dimensions', async () => {
      const { repos, newMedia } = await withCustomer();
      await repos.media.insert(newMedia(1), T0);
      expect(await repos.media.incrementStoreAttempts(mediaId(1), minutesAfterT0(1))).toBe(1);
      expect(await repos.media.incrementStoreAttempts(mediaId(1), minutesAfterT0(2))).toBe(2);
      expect(await repos.media.incrementStoreAttempts(mediaId(99), minutesAfterT0(2))).toBe(0);
      await repos.media.setDimensions(mediaId(1), { width: 3024, height: 4032 }, minutesAfterT0(3));
      expect(await repos.media.findById(mediaId(1))).toMatchObject({ storeAttempts: 2, width: 3024, height: 4032, updatedAt: minutesAfterT0(3) });
    });

    it('records variants once each, smallest first, and settles their status once', async () => {
      const { repos, newMedia } = await withCustomer();
      await repos.media.insert(newMedia(1), T0);
      await repos.media.insert(newMedia(2), T0);
      const variant = (name: 'w320' | 'w1280', width: number, sizeBytes: number) => ({
        mediaId: mediaId(1),
        name,
        objectKey: `variants/${mediaId(1)}/${name}.webp`,
        contentType: 'image/webp',
        sizeBytes,
        sha256: sha(width),
        width,
        height: width / 2,
      });
      await repos.media.recordVariant(variant('w1280', 1280, 200_000), minutesAfterT0(1));
      await repos.media.recordVariant(variant('w320', 320, 20_000), minutesAfterT0(1));
      await repos.media.recordVariant(variant('w320', 320, 21_000), minutesAfterT0(2));
      expect(await repos.media.listVariants(mediaId(1))).toEqual([
        { ...variant('w320', 320, 21_000), storedAt: minutesAfterT0(2) },
        { ...variant('w1280', 1280, 200_000), storedAt: minutesAfterT0(1) },
      ]);
      expect(await repos.media.listVariants(mediaId(2))).toEqual([]);

      expect(await repos.media.markVariantsReady(mediaId(1), minutesAfterT0(3))).toBe(true);
      expect(await repos.media.markVariantsFailed(mediaId(1), 'late', minutesAfterT0(4))).toBe(false);
      expect(await repos.media.markVariantsFailed(mediaId(2), 'HEVC decoder missing', minutesAfterT0(4))).toBe(true);
      expect(await repos.media.markVariantsReady(mediaId(2), minutesAfterT0(5))).toBe(false);
      expect(await repos.media.findById(mediaId(1))).toMatchObject({ variantsStatus: 'ready', failureReason: null });
      expect(await repos.media.findById(mediaId(2))).toMatchObject({ variantsStatus: 'failed', failureReason: 'HEVC decoder missing', status: 'spooled' });
    });

    it('lists rows stuck before a time, oldest first: spooled ones and stored ones still waiting for variants', async () => {
      const { repos, newMedia } = await withCustomer();
      const at = (serial: number, minutes: number, contentType: NewMedia['contentType'] = 'image/jpeg') =>
        repos.media.insert(newMedia(serial, { contentType }), minutesAfterT0(minutes));
      await at(1, 3); // spooled
      await at(2, 1); // stored, variants pending
      await repos.media.markStored(mediaId(2), minutesAfterT0(2));
      await at(3, 1, 'application/pdf'); // stored document: nothing to do
      await repos.media.markStored(mediaId(3), minutesAfterT0(1));
      await at(4, 1); // stored, variants ready
      await repos.media.markStored(mediaId(4), minutesAfterT0(1));
      await repos.media.markVariantsReady(mediaId(4), minutesAfterT0(1));
      await at(5, 1); // failed
      await repos.media.markFailed(mediaId(5), 'corrupt', minutesAfterT0(1));
      await at(6, 1); // deleted
      await repos.media.markDeleted(mediaId(6), minutesAfterT0(1));
      await at(7, 10); // spooled, but too recent

      const ids = async (olderThan: Date, limit: number) => (await repos.media.listStuck(olderThan, limit)).map((media) => media.id);
      expect(await ids(minutesAfterT0(5), 10)).toEqual([mediaId(2), mediaId(1)]);
      expect(await ids(minutesAfterT0(5), 1)).toEqual([mediaId(2)]);
      expect(await ids(minutesAfterT0(2), 10)).toEqual([]);
    });

    it('knows which quote requests show a media', async () => {
      const { repos, world, customer, newMedia } = await withCustomer();
      await repos.media.insert(newMedia(1), T0);
      await repos.media.insert(newMedia(2), T0);
      const first = await world.request(customer, { attachmentIds: [mediaId(1)] });
      const second = await world.request(customer, { attachmentIds: [mediaId(2), mediaId(1)] });
      expect(await repos.media.isAttached(mediaId(1))).toBe(true);
      expect(await repos.media.listAttachedRequestIds(mediaId(1))).toEqual([first, second].sort((a, b) => a - b));
      expect(await repos.media.listAttachedRequestIds(mediaId(2))).toEqual([second]);
      await repos.media.insert(newMedia(3), T0);
      expect(await repos.media.isAttached(mediaId(3))).toBe(false);
      expect(await repos.media.listAttachedRequestIds(mediaId(3))).toEqual([]);
    });
  });
}
