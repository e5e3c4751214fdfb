import type { Actor } from '../actor.ts';
import { requireActiveDealer, requireRole } from '../access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { toPage, toPageQuery } from '../pagination.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { Repositories } from '../repositories.ts';
import { canSeeRequest, isOpen, withEffectiveStatus } from '../quote-requests/quote-request-rules.ts';
import type { MarketplaceDeps } from '../quote-requests/quote-requests.service.ts';
import type { QuoteRequest } from '../quote-requests/quote-requests.types.ts';
import { checkQuoteTerms, effectiveQuoteStatus, withEffectiveQuoteStatus } from './quote-rules.ts';
import { QUOTE_STATUSES } from './quotes.types.ts';
import type { Quote, QuoteFilter, QuoteRevision, ReviseQuoteInput, SubmitQuoteInput } from './quotes.types.ts';

export type AcceptedQuote = { request: QuoteRequest; quote: Quote };

export type QuotesService = {
  /** One quote per dealer and request; the dealer must be active and serve the request's region. */
  submitQuote(actor: Actor, requestId: number, input: SubmitQuoteInput): Promise<Quote>;
  /** Replaces the terms while the request is open, bumping the revision and keeping the history. */
  reviseQuote(actor: Actor, quoteId: number, input: ReviseQuoteInput): Promise<Quote>;
  withdrawQuote(actor: Actor, quoteId: number): Promise<Quote>;
  /**
   * The customer picks one valid quote: the request becomes accepted, the quote accepted, the
   * rest closed, in one transaction holding the request's row lock. Of two racing accepts
   * exactly one wins; the other gets ConflictError.
   */
  acceptQuote(actor: Actor, requestId: number, quoteId: number): Promise<AcceptedQuote>;
  getQuote(actor: Actor, quoteId: number): Promise<Quote>;
  listQuoteRevisions(actor: Actor, quoteId: number): Promise<QuoteRevision[]>;
  /** Customers (own request), analysts and admins see every quote; a dealer sees only their own. */
  listQuotesForRequest(actor: Actor, requestId: number, page?: PageRequest): Promise<Page<Quote>>;
  listMyQuotes(actor: Actor, filter?: QuoteFilter, page?: PageRequest): Promise<Page<Quote>>;
};

export function createQuotes(deps: MarketplaceDeps): QuotesService {
  const { reads, writes, clock, settings } = deps;

  /** Loads the dealer's own quote and locks its request; everything a dealer changes goes through here. */
  async function lockOwnQuote(repos: Repositories, actor: Actor, quoteId: number) {
    await requireActiveDealer(actor, repos.accounts);
    const quote = await repos.quotes.findById(quoteId);
    if (!quote || quote.dealerId !== actor.accountId) throw new NotFoundError('quote', quoteId);
    const request = await repos.quoteRequests.findByIdForUpdate(quote.requestId);
    if (!request) throw new NotFoundError('quote request', quote.requestId);
    const now = clock.now();
    if (!isOpen(request, now)) throw new ConflictError('the request is no longer open', 'request_not_open');
    // Re-read under the lock, as a locking read: the quote may have changed while we waited, and a
    // plain read would still see the snapshot taken by the reads above (REPEATABLE READ).
    const current = await repos.quotes.findByIdForUpdate(quoteId);
    if (!current) throw new NotFoundError('quote', quoteId);
    return { quote: current, request, now };
  }

  async function reload(repos: Repositories, quoteId: number, now: Date): Promise<Quote> {
    const quote = await repos.quotes.findById(quoteId);
    if (!quote) throw new NotFoundError('quote', quoteId);
    return withEffectiveQuoteStatus(quote, now);
  }

  /** The quote if the actor may see it, else NotFoundError (ids reveal nothing). */
  async function visibleQuote(repos: Repositories, actor: Actor, quoteId: number): Promise<Quote> {
    if (actor.role === 'dealer') await requireActiveDealer(actor, repos.accounts);
    const quote = await repos.quotes.findById(quoteId);
    if (!quote) throw new NotFoundError('quote', quoteId);
    if (actor.role === 'dealer' && quote.dealerId !== actor.accountId) throw new NotFoundError('quote', quoteId);
    if (actor.role === 'customer') {
      const request = await repos.quoteRequests.findById(quote.requestId);
      if (!request || request.customerId !== actor.accountId) throw new NotFoundError('quote', quoteId);
    }
    return withEffectiveQuoteStatus(quote, clock.now());
  }

  return {
    async submitQuote(actor, requestId, input) {
      return writes.transaction(async (repos) => {
        const dealer = await requireActiveDealer(actor, repos.accounts);
        const request = await repos.quoteRequests.findByIdForUpdate(requestId);
        const now = clock.now();
        if (!request || !dealer.regions.includes(request.region)) throw new NotFoundError('quote request', requestId);
        if (!isOpen(request, now)) throw new ConflictError('the request is no longer open', 'request_not_open');
        const terms = checkQuoteTerms(input, request.listPriceKrw, now, settings.maxQuoteValidityDays);
        const id = await repos.quotes.insert({ requestId, dealerId: dealer.id, ...terms, createdAt: now });
        await repos.quotes.insertRevision({ quoteId: id, revision: 1, ...terms, createdAt: now });
        return reload(repos, id, now);
      });
    },

    async reviseQuote(actor, quoteId, input) {
      return writes.transaction(async (repos) => {
        const { quote, request, now } = await lockOwnQuote(repos, actor, quoteId);
        if (quote.status !== 'active') throw new ConflictError(`a ${quote.status} quote cannot be revised`, 'quote_not_active');
        const terms = checkQuoteTerms(input, request.listPriceKrw, now, settings.maxQuoteValidityDays);
        const revision = quote.revision + 1;
        await repos.quotes.updateTerms(quoteId, { ...terms, revision }, now);
        await repos.quotes.insertRevision({ quoteId, revision, ...terms, createdAt: now });
        return reload(repos, quoteId, now);
      });
    },

    async withdrawQuote(actor, quoteId) {
      return writes.transaction(async (repos) => {
        const { quote, now } = await lockOwnQuote(repos, actor, quoteId);
        if (quote.status !== 'active') throw new ConflictError(`a ${quote.status} quote cannot be withdrawn`, 'quote_not_active');
        await repos.quotes.setStatus(quoteId, 'withdrawn', now);
        return reload(repos, quoteId, now);
      });
    },

    async acceptQuote(actor, requestId, quoteId) {
      requireRole(actor, 'customer');
      return writes.transaction(async (repos) => {
        const request = await repos.quoteRequests.findByIdForUpdate(requestId);
        if (!request || request.customerId !== actor.accountId) throw new NotFoundError('quote request', requestId);
        const now = clock.now();
        if (!isOpen(request, now)) {
          throw new ConflictError(`the request is ${withEffectiveStatus(request, now).status}`, 'request_not_open');
        }
        const quote = await repos.quotes.findById(quoteId);
        if (!quote || quote.requestId !== requestId) throw new NotFoundError('quote', quoteId);
        const status = effectiveQuoteStatus(quote, now);
        if (status !== 'active') throw new ConflictError(`a ${status} quote cannot be accepted`, 'quote_not_acceptable');
        // A dealer suspended after quoting cannot be the one the customer buys from.
        const dealer = await repos.accounts.findDealer(quote.dealerId);
        if (dealer?.status !== 'active') throw new ConflictError('the dealer who made this quote is not active', 'dealer_not_active');

        await repos.quoteRequests.close(requestId, { status: 'accepted', acceptedQuoteId: quoteId, at: now });
        await repos.quotes.setStatus(quoteId, 'accepted', now);
        await repos.quotes.closeActiveForRequests([requestId], quoteId, now);
        const accepted = await repos.quoteRequests.findById(requestId);
        if (!accepted) throw new NotFoundError('quote request', requestId);
        return { request: withEffectiveStatus(accepted, now), quote: await reload(repos, quoteId, now) };
      });
    },

    getQuote: (actor, quoteId) => reads.run((repos) => visibleQuote(repos, actor, quoteId)),

    listQuoteRevisions: (actor, quoteId) =>
      reads.run(async (repos) => {
        await visibleQuote(repos, actor, quoteId);
        return repos.quotes.listRevisions(quoteId);
      }),

    async listQuotesForRequest(actor, requestId, page) {
      const query = toPageQuery(page);
      const now = clock.now();
      const rows = await reads.run(async (repos) => {
        const dealer = actor.role === 'dealer' ? await requireActiveDealer(actor, repos.accounts) : undefined;
        const request = await repos.quoteRequests.findById(requestId);
        // Same view as reading the request itself: a dealer outside it must not learn the id exists.
        const hasQuoted = dealer && request ? (await repos.quotes.findByRequestAndDealer(requestId, dealer.id)) !== undefined : false;
        if (!request || !canSeeRequest(actor, request, now, dealer && { profile: dealer, hasQuoted })) {
          throw new NotFoundError('quote request', requestId);
        }
        return repos.quotes.listForRequest(requestId, dealer?.id, query);
      });
      return toPage(rows, query, (quote) => withEffectiveQuoteStatus(quote, now));
    },

    async listMyQuotes(actor, filter = {}, page) {
      const now = clock.now();
      const query = toPageQuery(page);
      const rows = await reads.run(async (repos) => {
        const dealer = await requireActiveDealer(actor, repos.accounts);
        if (filter.status !== undefined && !QUOTE_STATUSES.includes(filter.status)) {
          throw ValidationError.single('status', `must be one of ${QUOTE_STATUSES.join(', ')}`);
        }
        return repos.quotes.listForDealer(dealer.id, filter, query, now);
      });
      return toPage(rows, query, (quote) => withEffectiveQuoteStatus(quote, now));
    },
  };
}
