import type { Actor } from '../actor.ts';
import type { AccountStatus } from '../accounts/accounts.types.ts';
import { createMarketplace } from '../marketplace.ts';
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
  trimIds: { premium: number; hybrid: number };
  addCustomer(): Promise<Actor>;
  addDealer(regions: RegionCode[], status?: AccountStatus): Promise<Actor>;
  addStaff(role: 'analyst' | 'admin'): Promise<Actor>;
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

  return {
    ...backend,
    marketplace,
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
