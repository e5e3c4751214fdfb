import { expect } from 'vitest';
import type { AccountStatus, Role } from '../../accounts/accounts.types.ts';
import type { Trim } from '../../catalog/catalog.types.ts';
import { DAY_MS } from '../../clock.ts';
import type { CursorPosition, PageQuery } from '../../pagination.ts';
import type { NewQuoteRequest } from '../../quote-requests/quote-requests.types.ts';
import type { NewQuote } from '../../quotes/quotes.types.ts';
import type { RegionCode } from '../../regions.ts';
import type { Repositories } from '../../repositories.ts';
import type { FixtureMaker } from '../catalog-fixture.ts';

/**
 * Opens an empty backend with `catalog` loaded and returns repositories bound to it. Each case
 * opens its own, so no case sees another's rows.
 */
export type OpenRepositories = (catalog: readonly FixtureMaker[]) => Promise<Repositories>;

export const T0 = new Date('2026-12-01T00:00:00.000Z');
export const minutesAfterT0 = (minutes: number): Date => new Date(T0.getTime() + minutes * 60_000);
export const daysAfterT0 = (days: number): Date => new Date(T0.getTime() + days * DAY_MS);
export const firstPage = (limit = 50): PageQuery => ({ after: null, limit });

/** Rows are ids or records with one; lists compare by id so failures read as short arrays. */
export const idsOf = (rows: readonly { id: number }[]): number[] => rows.map((row) => row.id);

/**
 * Walks a list page by page the way the services do (limit + 1 rows, cursor = last row kept) and
 * returns the ids in the order seen. Bounded, so a cursor that never advances fails instead of hanging.
 */
export async function idsAcrossPages<R extends CursorPosition>(limit: number, fetch: (page: PageQuery) => Promise<R[]>): Promise<number[]> {
  const seen: number[] = [];
  let after: CursorPosition | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const rows = await fetch({ after, limit });
    expect(rows.length).toBeLessThanOrEqual(limit + 1);
    const kept = rows.slice(0, limit);
    seen.push(...kept.map((row) => row.id));
    const last = kept.at(-1);
    if (rows.length <= limit || !last) return seen;
    after = { createdAt: last.createdAt, id: last.id };
  }
  throw new Error('paging did not end within 20 pages');
}

/** Arranges rows through the repositories alone, so the same steps run on every backend. */
export async function arrange(repos: Repositories) {
  const trims = await repos.catalog.listTrims({});
  let accounts = 0;

  function trim(code: string): Trim {
    const found = trims.find((candidate) => candidate.code === code);
    if (!found) throw new Error(`no trim ${code} in the contract catalog`);
    return found;
  }

  async function account(role: Role, status: AccountStatus, createdAt: Date): Promise<number> {
    accounts += 1;
    return repos.accounts.insertAccount({
      email: `${role}-${accounts}@contract.example`,
      passwordHash: `hash-${accounts}`,
      role,
      status,
      displayName: `${role} ${accounts}`,
      createdAt,
    });
  }

  return {
    trim,
    customer: (createdAt = T0) => account('customer', 'active', createdAt),
    admin: () => account('admin', 'active', T0),
    async dealer(regions: RegionCode[], options: { status?: AccountStatus; createdAt?: Date } = {}): Promise<number> {
      const id = await account('dealer', options.status ?? 'active', options.createdAt ?? T0);
      await repos.accounts.insertDealerProfile(id, `Dealer ${id} Motors`, regions);
      return id;
    },
    /** A request for a trim (the premium Sonata unless named) in Seoul, open for 14 days, overridable. */
    request(customerId: number, { trimCode = 'premium', ...overrides }: Partial<NewQuoteRequest> & { trimCode?: string } = {}): Promise<number> {
      const chosen = trim(trimCode);
      const createdAt = overrides.createdAt ?? T0;
      return repos.quoteRequests.insert({
        customerId,
        makerId: chosen.makerId,
        modelId: chosen.modelId,
        trimId: chosen.id,
        region: 'seoul',
        purchaseTiming: 'this_month',
        paymentMethod: 'cash',
        note: null,
        options: [],
        attachmentIds: [],
        listPriceKrw: chosen.listPriceKrw,
        expiresAt: new Date(createdAt.getTime() + 14 * DAY_MS),
        createdAt,
        ...overrides,
      });
    },
    /** A quote a million won under 30M, valid for 7 days from its creation, overridable. */
    quote(requestId: number, dealerId: number, overrides: Partial<NewQuote> = {}): Promise<number> {
      const createdAt = overrides.createdAt ?? T0;
      return repos.quotes.insert({
        requestId,
        dealerId,
        priceKrw: 29_000_000,
        discountKrw: 1_000_000,
        conditions: '',
        validUntil: new Date(createdAt.getTime() + 7 * DAY_MS),
        createdAt,
        ...overrides,
      });
    },
  };
}
