import type { CatalogRepository } from '../catalog/catalog.repository.ts';
import { ConflictError } from '../errors.ts';
import { effectiveRequestStatus } from '../quote-requests/quote-request-rules.ts';
import type { QuoteRequestsRepository } from '../quote-requests/quote-requests.repository.ts';
import type { QuoteRequest, QuoteRequestFilter, QuoteRequestScope } from '../quote-requests/quote-requests.types.ts';
import { effectiveQuoteStatus } from '../quotes/quote-rules.ts';
import type { QuotesRepository } from '../quotes/quotes.repository.ts';
import type { Quote } from '../quotes/quotes.types.ts';
import type { Repositories, WriteRunner } from '../repositories.ts';
import { inMemoryAccountsRepository, inMemoryRefreshTokensRepository } from './in-memory-accounts.ts';
import { inMemoryMediaRepository } from './in-memory-media.ts';
import { byName, collate, copy, page } from './in-memory-rows.ts';
import { nextId } from './in-memory-store.ts';
import type { InMemoryStore } from './in-memory-store.ts';

/**
 * Fakes with the same semantics as the Kysely repositories (effective statuses, cursor order,
 * unique keys, the columns' collation), so service tests exercise the real rules without a
 * database. The repository contract (./repository-contract) holds both to it.
 */
export function createInMemoryRepositories(store: InMemoryStore): Repositories {
  return {
    catalog: catalogRepository(store),
    accounts: inMemoryAccountsRepository(store),
    refreshTokens: inMemoryRefreshTokensRepository(store),
    quoteRequests: quoteRequestsRepository(store),
    quotes: quotesRepository(store),
    media: inMemoryMediaRepository(store),
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

function catalogRepository(store: InMemoryStore): CatalogRepository {
  return {
    listMakers: async () => copy([...store.state.makers].sort(byName)),
    listModels: async (makerId) => copy(store.state.models.filter((model) => makerId === undefined || model.makerId === makerId).sort(byName)),
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

function quoteRequestsRepository(store: InMemoryStore): QuoteRequestsRepository {
  const find = (id: number) => store.state.quoteRequests.find((request) => request.id === id);
  const withOptionsByCode = (request: QuoteRequest): QuoteRequest => ({ ...request, options: [...request.options].sort((a, b) => collate(a.code, b.code)) });
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
    async findById(id) {
      const request = find(id);
      return request && copy(withOptionsByCode(request));
    },
    async findByIdForUpdate(id) {
      const request = find(id);
      if (!request) return undefined;
      const { options: _options, attachmentIds: _attachmentIds, ...header } = request;
      return copy(header);
    },
    list: async (scope, filter, query, now) =>
      page(store.state.quoteRequests.filter((request) => inScope(request, scope, now) && matches(request, filter, now)).map(withOptionsByCode), query),
    async close(id, change) {
      const request = find(id);
      if (request?.status === 'open') {
        Object.assign(request, { status: change.status, acceptedQuoteId: change.acceptedQuoteId, closedAt: change.at, updatedAt: change.at });
      }
    },
    async expireOverdue(now, limit) {
      const overdue = store.state.quoteRequests
        .filter((request) => request.status === 'open' && request.expiresAt.getTime() <= now.getTime())
        .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id)
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
