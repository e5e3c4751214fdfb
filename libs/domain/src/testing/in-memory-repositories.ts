import type { AccountsRepository, RefreshTokensRepository } from '../accounts/accounts.repository.ts';
import type { Account, Dealer } from '../accounts/accounts.types.ts';
import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import { ConflictError } from '../errors.ts';
import { compareNewestFirst, isAfterCursor } from '../pagination.ts';
import type { PageQuery } from '../pagination.ts';
import { effectiveRequestStatus } from '../quote-requests/quote-request-rules.ts';
import type { QuoteRequestsRepository } from '../quote-requests/quote-requests.repository.ts';
import type { QuoteRequest, QuoteRequestFilter, QuoteRequestScope } from '../quote-requests/quote-requests.types.ts';
import { effectiveQuoteStatus } from '../quotes/quote-rules.ts';
import type { QuotesRepository } from '../quotes/quotes.repository.ts';
import type { Quote } from '../quotes/quotes.types.ts';
import type { Repositories, WriteRunner } from '../repositories.ts';
import { nextId } from './in-memory-store.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/**
 * Fakes with the same semantics as the Kysely repositories (effective statuses, cursor order,
 * unique keys), so service tests exercise the real rules without a database.
 */
export function createInMemoryRepositories(store: InMemoryStore): Repositories {
  return {
    catalog: catalogRepository(store),
    accounts: accountsRepository(store),
    refreshTokens: refreshTokensRepository(store),
    quoteRequests: quoteRequestsRepository(store),
    quotes: quotesRepository(store),
  };
}

/**
 * Transactions run one at a time (standing in for row locks) and roll back on throw by
 * restoring a snapshot taken at the start.
 */
export function createInMemoryWriteRunner(store: InMemoryStore): WriteRunner {
  const repos = createInMemoryRepositories(store);
  let queue: Promise<unknown> = Promise.resolve();
  return {
    transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
      const run = queue.then(async () => {
        const snapshot = structuredClone(store.state);
        try {
          return await fn(repos);
        } catch (error) {
          store.state = snapshot;
          throw error;
        }
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

const copy = <T>(value: T): T => structuredClone(value);

function page<T extends { createdAt: Date; id: number }>(rows: T[], query: PageQuery): T[] {
  return rows
    .filter((row) => isAfterCursor(row, query.after))
    .sort(compareNewestFirst)
    .slice(0, query.limit + 1)
    .map(copy);
}

function catalogRepository(store: InMemoryStore): CatalogRepository {
  return {
    listMakers: async () => copy([...store.state.makers].sort((a, b) => a.name.localeCompare(b.name))),
    listModels: async (makerId) => copy(store.state.models.filter((model) => makerId === undefined || model.makerId === makerId)),
    listTrims: async (filter) =>
      copy(
        store.state.trims
          .filter((trim) => filter.makerId === undefined || trim.makerId === filter.makerId)
          .filter((trim) => filter.modelId === undefined || trim.modelId === filter.modelId)
          .filter((trim) => filter.fuelType === undefined || trim.fuelType === filter.fuelType)
          .filter((trim) => filter.bodyType === undefined || trim.bodyType === filter.bodyType)
          .sort((a, b) => a.listPriceKrw - b.listPriceKrw || a.id - b.id),
      ),
    async findTrimDetail(trimId) {
      const trim = store.state.trims.find((candidate) => candidate.id === trimId);
      const model = store.state.models.find((candidate) => candidate.id === trim?.modelId);
      const maker = store.state.makers.find((candidate) => candidate.id === trim?.makerId);
      if (!trim || !model || !maker) return undefined;
      const options = store.state.trimOptions.filter((option) => option.trimId === trimId);
      return copy({ ...trim, model, maker, options });
    },
  };
}

function accountsRepository(store: InMemoryStore): AccountsRepository {
  const visible = (id: number): Account | undefined => {
    const stored = store.state.accounts.find((account) => account.id === id);
    if (!stored) return undefined;
    const { passwordHash: _omitted, ...account } = stored;
    return copy(account);
  };
  const dealer = (id: number): Dealer | undefined => {
    const account = visible(id);
    const profile = store.state.dealerProfiles.find((candidate) => candidate.accountId === id);
    if (!account || account.role !== 'dealer' || !profile) return undefined;
    const { accountId: _id, ...fields } = copy(profile);
    return { ...account, ...fields, regions: [...fields.regions].sort() };
  };

  return {
    async insertAccount(account) {
      if (store.state.accounts.some((existing) => existing.email === account.email)) {
        throw new ConflictError('an account with this email already exists', 'email_taken');
      }
      const id = nextId(store);
      const { createdAt, ...fields } = account;
      store.state.accounts.push({ ...copy(fields), id, createdAt, updatedAt: createdAt });
      return id;
    },
    async insertDealerProfile(dealerId, dealershipName, regions) {
      store.state.dealerProfiles.push({ accountId: dealerId, dealershipName, regions: [...regions], reviewedBy: null, reviewedAt: null });
    },
    findById: async (id) => visible(id),
    async findByEmailWithPasswordHash(email) {
      const account = store.state.accounts.find((candidate) => candidate.email === email);
      return account && copy(account);
    },
    findDealer: async (id) => dealer(id),
    async listDealers(filter, query) {
      const dealers = store.state.dealerProfiles
        .map((profile) => dealer(profile.accountId))
        .filter((candidate): candidate is Dealer => candidate !== undefined)
        .filter((candidate) => filter.status === undefined || candidate.status === filter.status);
      return page(dealers, query);
    },
    countByRole: async (role) => store.state.accounts.filter((account) => account.role === role).length,
    async updateStatus(id, status, now) {
      const account = store.state.accounts.find((candidate) => candidate.id === id);
      if (account) Object.assign(account, { status, updatedAt: now });
    },
    async recordDealerReview(dealerId, reviewerId, now) {
      const profile = store.state.dealerProfiles.find((candidate) => candidate.accountId === dealerId);
      if (profile) Object.assign(profile, { reviewedBy: reviewerId, reviewedAt: now });
    },
  };
}

function refreshTokensRepository(store: InMemoryStore): RefreshTokensRepository {
  const revokeWhere = (matches: (token: { accountId: number; familyId: string }) => boolean, now: Date) => {
    for (const token of store.state.refreshTokens) if (matches(token) && !token.revokedAt) token.revokedAt = now;
  };
  return {
    async insert(token) {
      if (store.state.refreshTokens.some((existing) => existing.tokenHash === token.tokenHash)) {
        throw new Error('duplicate refresh token hash');
      }
      const id = nextId(store);
      store.state.refreshTokens.push({ ...copy(token), id });
      return id;
    },
    async findByHashForUpdate(tokenHash) {
      const token = store.state.refreshTokens.find((candidate) => candidate.tokenHash === tokenHash);
      return token && copy(token);
    },
    async markRotated(id, now) {
      const token = store.state.refreshTokens.find((candidate) => candidate.id === id);
      if (token) token.rotatedAt = now;
    },
    revokeFamily: async (familyId, now) => revokeWhere((token) => token.familyId === familyId, now),
    revokeAllForAccount: async (accountId, now) => revokeWhere((token) => token.accountId === accountId, now),
  };
}

function quoteRequestsRepository(store: InMemoryStore): QuoteRequestsRepository {
  const find = (id: number) => store.state.quoteRequests.find((request) => request.id === id);
  const inScope = (request: QuoteRequest, scope: QuoteRequestScope, now: Date): boolean => {
    switch (scope.kind) {
      case 'all':
        return true;
      case 'customer':
        return request.customerId === scope.customerId;
      case 'dealer': {
        const quoted = store.state.quotes.some((quote) => quote.requestId === request.id && quote.dealerId === scope.dealerId);
        const openInRegion = scope.regions.includes(request.region) && effectiveRequestStatus(request, now) === 'open';
        return quoted || openInRegion;
      }
    }
  };
  const matches = (request: QuoteRequest, filter: QuoteRequestFilter, now: Date): boolean =>
    (filter.status === undefined || effectiveRequestStatus(request, now) === filter.status) &&
    (filter.region === undefined || request.region === filter.region) &&
    (filter.makerId === undefined || request.makerId === filter.makerId) &&
    (filter.modelId === undefined || request.modelId === filter.modelId) &&
    (filter.trimId === undefined || request.trimId === filter.trimId) &&
    (filter.createdFrom === undefined || request.createdAt.getTime() >= filter.createdFrom.getTime()) &&
    (filter.createdTo === undefined || request.createdAt.getTime() < filter.createdTo.getTime());

  return {
    async insert(request) {
      const id = nextId(store);
      store.state.quoteRequests.push({
        ...copy(request),
        id,
        status: 'open',
        acceptedQuoteId: null,
        closedAt: null,
        updatedAt: request.createdAt,
      });
      return id;
    },
    findById: async (id) => copy(find(id)),
    findByIdForUpdate: async (id) => copy(find(id)),
    list: async (scope, filter, query, now) =>
      page(store.state.quoteRequests.filter((request) => inScope(request, scope, now) && matches(request, filter, now)), query),
    async close(id, change) {
      const request = find(id);
      if (request?.status === 'open') {
        Object.assign(request, { status: change.status, acceptedQuoteId: change.acceptedQuoteId, closedAt: change.at, updatedAt: change.at });
      }
    },
    async expireOverdue(now, limit) {
      const overdue = store.state.quoteRequests
        .filter((request) => request.status === 'open' && request.expiresAt.getTime() <= now.getTime())
        .slice(0, limit);
      for (const request of overdue) Object.assign(request, { status: 'expired', closedAt: now, updatedAt: now });
      return overdue.map((request) => request.id);
    },
  };
}

function quotesRepository(store: InMemoryStore): QuotesRepository {
  const withDealership = (quote: Omit<Quote, 'dealershipName'>): Quote => {
    const profile = store.state.dealerProfiles.find((candidate) => candidate.accountId === quote.dealerId);
    return copy({ ...quote, dealershipName: profile?.dealershipName ?? '' });
  };
  const find = (id: number) => store.state.quotes.find((quote) => quote.id === id);

  return {
    async insert(quote) {
      if (store.state.quotes.some((existing) => existing.requestId === quote.requestId && existing.dealerId === quote.dealerId)) {
        throw new ConflictError('this dealer already quoted on the request; revise it instead', 'quote_exists');
      }
      const id = nextId(store);
      store.state.quotes.push({ ...copy(quote), id, status: 'active', revision: 1, updatedAt: quote.createdAt });
      return id;
    },
    async insertRevision(revision) {
      if (store.state.quoteRevisions.some((existing) => existing.quoteId === revision.quoteId && existing.revision === revision.revision)) {
        throw new Error('duplicate quote revision');
      }
      store.state.quoteRevisions.push(copy(revision));
    },
    async findById(id) {
      const quote = find(id);
      return quote && withDealership(quote);
    },
    async findByIdForUpdate(id) {
      const quote = find(id);
      return quote && withDealership(quote);
    },
    async findByRequestAndDealer(requestId, dealerId) {
      const quote = store.state.quotes.find((candidate) => candidate.requestId === requestId && candidate.dealerId === dealerId);
      return quote && withDealership(quote);
    },
    listForRequest: async (requestId, dealerId, query) =>
      page(
        store.state.quotes
          .filter((quote) => quote.requestId === requestId && (dealerId === undefined || quote.dealerId === dealerId))
          .map(withDealership),
        query,
      ),
    listForDealer: async (dealerId, filter, query, now) =>
      page(
        store.state.quotes
          .filter((quote) => quote.dealerId === dealerId)
          .filter((quote) => filter.status === undefined || effectiveQuoteStatus(quote, now) === filter.status)
          .filter((quote) => filter.requestId === undefined || quote.requestId === filter.requestId)
          .map(withDealership),
        query,
      ),
    listRevisions: async (quoteId) =>
      copy(store.state.quoteRevisions.filter((revision) => revision.quoteId === quoteId).sort((a, b) => a.revision - b.revision)),
    async updateTerms(id, terms, now) {
      const quote = find(id);
      if (quote) Object.assign(quote, copy(terms), { updatedAt: now });
    },
    async setStatus(id, status, now) {
      const quote = find(id);
      if (quote) Object.assign(quote, { status, updatedAt: now });
    },
    async closeActiveForRequests(requestIds, exceptQuoteId, now) {
      for (const quote of store.state.quotes) {
        if (requestIds.includes(quote.requestId) && quote.status === 'active' && quote.id !== exceptQuoteId) {
          Object.assign(quote, { status: 'closed', updatedAt: now });
        }
      }
    },
  };
}
