import type { Actor } from '../actor.ts';
import type { AccountStatus } from '../accounts/accounts.types.ts';
import { createMarketplace } from '../marketplace.ts';
import { createMediaService } from '../media/media.service.ts';
import type { MediaService } from '../media/media.service.ts';
import type { Media, NewMedia } from '../media/media.types.ts';
import type { Marketplace } from '../marketplace.ts';
import type { MarketplaceSettings } from '../quote-requests/quote-requests.service.ts';
import type { CreateQuoteRequestInput } from '../quote-requests/quote-requests.types.ts';
import type { RegionCode } from '../regions.ts';
import { testCatalog } from './catalog-fixture.ts';
import { createTestBackend } from './test-backend.ts';
import type { TestBackend } from './test-backend.ts';

export const testMarketplaceSettings: MarketplaceSettings = { requestTtlDays: 14, maxQuoteValidityDays: 30, expirySweepBatchSize: 2 };

export type Scenario = TestBackend & {
  marketplace: Marketplace;
  media: MediaService;
  trimIds: { premium: number; hybrid: number };
  addCustomer(): Promise<Actor>;
  addDealer(regions: RegionCode[], status?: AccountStatus): Promise<Actor>;
  addStaff(role: 'analyst' | 'admin'): Promise<Actor>;
  /** A spooled JPEG owned by `owner`, with a fresh id and content hash; `status` moves it on. */
  addMedia(owner: Actor, options?: Partial<NewMedia> & { status?: 'stored' | 'failed' | 'deleted' }): Promise<Media>;
  /** A valid request for the premium trim in Seoul, overridable. */
  requestInput(overrides?: Partial<CreateQuoteRequestInput>): CreateQuoteRequestInput;
  /** A valid quote for a request listed at `listPriceKrw`. */
  quoteInput(listPriceKrw: number, overrides?: Partial<{ priceKrw: number; conditions: string; validUntil: Date }>): {
    priceKrw: number;
    conditions: string;
    validUntil: Date;
  };
};

/** Accounts are written straight into the fake store; signing up through the service is tested elsewhere. */
export function createScenario(settings: MarketplaceSettings = testMarketplaceSettings): Scenario {
  const backend = createTestBackend(testCatalog);
  const marketplace = createMarketplace({ ...backend, settings });
  const trimId = (code: string) => backend.store.state.trims.find((trim) => trim.code === code)?.id ?? 0;
  let emailCounter = 0;
  let mediaCounter = 0;

  async function addAccount(role: Actor['role'], status: AccountStatus): Promise<Actor> {
    emailCounter += 1;
    const accountId = await backend.repos.accounts.insertAccount({
      email: `${role}${emailCounter}@example.com`,
      passwordHash: 'not-a-real-hash',
      role,
      status,
      displayName: `${role} ${emailCounter}`,
      createdAt: backend.clock.now(),
    });
    return { accountId, role };
  }

  async function addMedia(owner: Actor, { status, ...overrides }: Partial<NewMedia> & { status?: 'stored' | 'failed' | 'deleted' } = {}): Promise<Media> {
    mediaCounter += 1;
    const serial = mediaCounter.toString(16);
    const now = backend.clock.now();
    const { media } = await backend.repos.media.insert(
      {
        id: `00000000-0000-4000-8000-${serial.padStart(12, '0')}`,
        ownerId: owner.accountId,
        sha256: serial.padStart(64, 'a'),
        sizeBytes: 1000 + mediaCounter,
        contentType: 'image/jpeg',
        ...overrides,
      },
      now,
    );
    if (status === 'stored') await backend.repos.media.markStored(media.id, now);
    if (status === 'failed') await backend.repos.media.markFailed(media.id, 'not an image after all', now);
    if (status === 'deleted') await backend.repos.media.markDeleted(media.id, now);
    const current = await backend.repos.media.findById(media.id);
    if (!current) throw new Error('the media just inserted is missing');
    return current;
  }

  return {
    ...backend,
    marketplace,
    media: createMediaService(backend),
    addMedia,
    trimIds: { premium: trimId('premium'), hybrid: trimId('hybrid') },
    addCustomer: () => addAccount('customer', 'active'),
    async addDealer(regions, status = 'active') {
      const actor = await addAccount('dealer', status);
      await backend.repos.accounts.insertDealerProfile(actor.accountId, `Dealer ${actor.accountId} Motors`, regions);
      return actor;
    },
    addStaff: (role) => addAccount(role, 'active'),
    requestInput: (overrides = {}) => ({
      trimId: trimId('premium'),
      optionCodes: ['SUNROOF'],
      region: 'seoul',
      purchaseTiming: 'this_month',
      paymentMethod: 'cash',
      note: '흰색 선호',
      attachmentIds: [],
      ...overrides,
    }),
    quoteInput: (listPriceKrw, overrides = {}) => ({
      priceKrw: listPriceKrw - 1_000_000,
      conditions: '블랙박스·틴팅 포함',
      validUntil: new Date(backend.clock.now().getTime() + 7 * 24 * 60 * 60 * 1000),
      ...overrides,
    }),
  };
}
