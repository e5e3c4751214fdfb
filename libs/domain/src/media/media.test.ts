import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { createScenario } from '../testing/scenario.ts';
import type { UploadedMedia } from './media.service.ts';

const upload = (overrides: Partial<UploadedMedia> = {}): UploadedMedia => ({
  id: '6f1c1e9a-3b7d-4c55-9a43-1d2f3e4a5b6c',
  sha256: 'ab'.repeat(32),
  sizeBytes: 2_345_678,
  contentType: 'image/heic',
  ...overrides,
});

describe('registerUpload', () => {
  it('records a spooled image with pending variants and a key made from its id alone', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const { media, outcome } = await s.media.registerUpload(customer, upload({ width: 4032, height: 3024 }));
    expect(outcome).toBe('created');
    expect(media).toMatchObject({
      id: '6f1c1e9a-3b7d-4c55-9a43-1d2f3e4a5b6c',
      ownerId: customer.accountId,
      status: 'spooled',
      kind: 'image',
      variantsStatus: 'pending',
      originalKey: 'originals/6f1c1e9a-3b7d-4c55-9a43-1d2f3e4a5b6c',
      storeAttempts: 0,
      width: 4032,
      height: 3024,
      createdAt: s.clock.now(),
    });
  });

  it('gives documents no variants', async () => {
    const s = createScenario();
    const { media } = await s.media.registerUpload(await s.addCustomer(), upload({ contentType: 'application/pdf' }));
    expect(media).toMatchObject({ kind: 'document', variantsStatus: 'none' });
  });

  it('returns the existing media when the same owner sends the same bytes again, and only then', async () => {
    const s = createScenario();
    const alice = await s.addCustomer();
    const bob = await s.addCustomer();
    const first = await s.media.registerUpload(alice, upload());
    const again = await s.media.registerUpload(alice, upload({ id: '11111111-2222-4333-8444-555555555555' }));
    expect(again).toEqual({ outcome: 'existing', media: first.media });
    const bobs = await s.media.registerUpload(bob, upload({ id: '11111111-2222-4333-8444-555555555555' }));
    expect(bobs.outcome).toBe('created');
    expect(s.store.state.media.map((media) => media.id).sort()).toEqual([first.media.id, bobs.media.id].sort());
  });

  it('revives deleted media under its old id: stored again if it had been stored, else spooled', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const wasStored = await s.addMedia(customer, { status: 'stored' });
    const neverStored = await s.addMedia(customer);
    for (const media of [wasStored, neverStored]) await s.media.deleteMedia(customer, media.id);
    s.clock.advanceMs(1000);

    const revived = await s.media.registerUpload(customer, upload({ sha256: wasStored.sha256 }));
    expect(revived).toMatchObject({ outcome: 'revived', media: { id: wasStored.id, status: 'stored', deletedAt: null, updatedAt: s.clock.now() } });
    const respooled = await s.media.registerUpload(customer, upload({ sha256: neverStored.sha256 }));
    expect(respooled).toMatchObject({ outcome: 'revived', media: { id: neverStored.id, status: 'spooled', deletedAt: null } });
  });

  it('refuses malformed facts field by field and records nothing', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const error = await s.media
      .registerUpload(customer, { id: '../../etc/passwd', sha256: 'AB'.repeat(32), sizeBytes: 0, contentType: 'text/html', width: -1, height: 1.5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field).sort()).toEqual(['contentType', 'height', 'id', 'sha256', 'sizeBytes', 'width']);
    expect(s.store.state.media).toEqual([]);
  });

  it('is for customers only', async () => {
    const s = createScenario();
    for (const actor of [await s.addDealer(['seoul']), await s.addStaff('analyst'), await s.addStaff('admin')]) {
      await expect(s.media.registerUpload(actor, upload())).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});

describe('getMediaForViewer', () => {
  async function withAttachedMedia(region: 'seoul' | 'busan' = 'seoul') {
    const s = createScenario();
    const owner = await s.addCustomer();
    const media = await s.addMedia(owner, { status: 'stored' });
    const variant = { mediaId: media.id, name: 'w320' as const, objectKey: `variants/${media.id}/w320.webp`, contentType: 'image/webp', sizeBytes: 9000, sha256: 'cd'.repeat(32), width: 320, height: 240 };
    await s.repos.media.recordVariant(variant, s.clock.now());
    const request = await s.marketplace.createQuoteRequest(owner, s.requestInput({ region, attachmentIds: [media.id] }));
    return { s, owner, media, request, variant };
  }

  it('shows the owner and admins the original and the variants', async () => {
    const { s, owner, media, variant } = await withAttachedMedia();
    for (const actor of [owner, await s.addStaff('admin')]) {
      expect(await s.media.getMediaForViewer(actor, media.id)).toEqual({ media, originalVisible: true, variants: [{ ...variant, storedAt: s.clock.now() }] });
    }
  });

  it('shows analysts and dealers who may see an attaching request the variants only', async () => {
    const { s, media } = await withAttachedMedia('seoul');
    for (const actor of [await s.addStaff('analyst'), await s.addDealer(['seoul'])]) {
      const view = await s.media.getMediaForViewer(actor, media.id);
      expect(view.originalVisible).toBe(false);
      expect(view.variants.map((variant) => variant.name)).toEqual(['w320']);
    }
  });

  it('hides it (404) from other customers, dealers elsewhere, and dealers once the request closed unless they quoted', async () => {
    const { s, owner, media, request } = await withAttachedMedia('seoul');
    const quoted = await s.addDealer(['seoul']);
    await s.marketplace.submitQuote(quoted, request.id, s.quoteInput(request.listPriceKrw));
    const idle = await s.addDealer(['seoul']);
    for (const actor of [await s.addCustomer(), await s.addDealer(['busan'])]) {
      await expect(s.media.getMediaForViewer(actor, media.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    await s.marketplace.cancelQuoteRequest(owner, request.id);
    await expect(s.media.getMediaForViewer(idle, media.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.media.getMediaForViewer(quoted, media.id)).resolves.toMatchObject({ originalVisible: false });
  });

  it('hides media not attached to anything from every dealer', async () => {
    const s = createScenario();
    const media = await s.addMedia(await s.addCustomer());
    await expect(s.media.getMediaForViewer(await s.addDealer(['seoul']), media.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses dealers who are not active, as every dealer read does', async () => {
    const { s, media } = await withAttachedMedia();
    await expect(s.media.getMediaForViewer(await s.addDealer(['seoul'], 'pending_review'), media.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('answers 404 for unknown and deleted media, even to the owner', async () => {
    const s = createScenario();
    const owner = await s.addCustomer();
    const deleted = await s.addMedia(owner, { status: 'deleted' });
    for (const id of [deleted.id, '00000000-0000-4000-8000-ffffffffffff']) {
      await expect(s.media.getMediaForViewer(owner, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(s.media.getMediaForViewer(await s.addStaff('admin'), id)).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe('deleteMedia', () => {
  it('soft-deletes the owner\'s media that nothing shows', async () => {
    const s = createScenario();
    const owner = await s.addCustomer();
    const media = await s.addMedia(owner, { status: 'stored' });
    s.clock.advanceMs(5000);
    const deleted = await s.media.deleteMedia(owner, media.id);
    expect(deleted).toMatchObject({ id: media.id, status: 'deleted', deletedAt: s.clock.now() });
    expect(await s.repos.media.findById(media.id)).toEqual(deleted);
    await expect(s.media.deleteMedia(owner, media.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses with 409 media_attached while a quote request shows it, whatever the request\'s status, and changes nothing', async () => {
    const s = createScenario();
    const owner = await s.addCustomer();
    const media = await s.addMedia(owner);
    const request = await s.marketplace.createQuoteRequest(owner, s.requestInput({ attachmentIds: [media.id] }));
    await s.marketplace.cancelQuoteRequest(owner, request.id);
    const error = await s.media.deleteMedia(owner, media.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('media_attached');
    expect(await s.repos.media.findById(media.id)).toEqual(media);
  });

  it('answers 404 to other customers and 403 to other roles', async () => {
    const s = createScenario();
    const media = await s.addMedia(await s.addCustomer());
    await expect(s.media.deleteMedia(await s.addCustomer(), media.id)).rejects.toBeInstanceOf(NotFoundError);
    for (const actor of [await s.addStaff('admin'), await s.addDealer(['seoul'])]) {
      await expect(s.media.deleteMedia(actor, media.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await s.repos.media.findById(media.id))?.status).toBe('spooled');
  });
});
