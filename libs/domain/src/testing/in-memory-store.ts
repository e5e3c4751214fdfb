import type { AccountWithPasswordHash, RefreshTokenRecord } from '../accounts/accounts.types.ts';
import type { CarModel, Maker, Trim, TrimOption } from '../catalog/catalog.types.ts';
import type { Clock } from '../clock.ts';
import { DAY_MS } from '../clock.ts';
import type { Media, MediaVariant } from '../media/media.types.ts';
import type { QuoteRequest } from '../quote-requests/quote-requests.types.ts';
import type { Quote, QuoteRevision } from '../quotes/quotes.types.ts';
import type { RegionCode } from '../regions.ts';
import type { FixtureMaker } from './catalog-fixture.ts';

export type StoredDealerProfile = {
  accountId: number;
  dealershipName: string;
  regions: RegionCode[];
  reviewedBy: number | null;
  reviewedAt: Date | null;
};

export type InMemoryState = {
  nextId: number;
  makers: Maker[];
  models: CarModel[];
  trims: Trim[];
  trimOptions: TrimOption[];
  accounts: AccountWithPasswordHash[];
  dealerProfiles: StoredDealerProfile[];
  refreshTokens: RefreshTokenRecord[];
  quoteRequests: QuoteRequest[];
  quotes: Omit<Quote, 'dealershipName'>[];
  quoteRevisions: QuoteRevision[];
  media: Media[];
  mediaVariants: MediaVariant[];
};

/** Holds the state by reference so a rolled-back transaction can swap in its snapshot. */
export type InMemoryStore = { state: InMemoryState };

export function createInMemoryStore(): InMemoryStore {
  return {
    state: {
      nextId: 1,
      makers: [],
      models: [],
      trims: [],
      trimOptions: [],
      accounts: [],
      dealerProfiles: [],
      refreshTokens: [],
      quoteRequests: [],
      quotes: [],
      quoteRevisions: [],
      media: [],
      mediaVariants: [],
    },
  };
}

export function nextId(store: InMemoryStore): number {
  return store.state.nextId++;
}

/** Loads a catalog fixture, assigning ids in order. */
export function loadCatalog(store: InMemoryStore, makers: readonly FixtureMaker[]): void {
  for (const maker of makers) {
    const makerId = nextId(store);
    store.state.makers.push({ id: makerId, code: maker.code, name: maker.name, nameKo: maker.nameKo, countryCode: maker.countryCode });
    for (const model of maker.models) {
      const modelId = nextId(store);
      store.state.models.push({ id: modelId, makerId, code: model.code, name: model.name, nameKo: model.nameKo });
      for (const trim of model.trims) {
        const trimId = nextId(store);
        const { options, ...fields } = trim;
        store.state.trims.push({ ...fields, id: trimId, modelId, makerId });
        for (const option of options) store.state.trimOptions.push({ ...option, id: nextId(store), trimId });
      }
    }
  }
}

export type FakeClock = Clock & { set(date: Date): void; advanceMs(ms: number): void; advanceDays(days: number): void };

export function createFakeClock(start = new Date('2026-12-01T00:00:00.000Z')): FakeClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (date) => {
      current = new Date(date);
    },
    advanceMs: (ms) => {
      current = new Date(current.getTime() + ms);
    },
    advanceDays: (days) => {
      current = new Date(current.getTime() + days * DAY_MS);
    },
  };
}
