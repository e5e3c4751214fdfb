import type { PageQuery } from '../pagination.ts';
import type { NewQuote, Quote, QuoteFilter, QuoteRevision, StoredQuoteStatus } from './quotes.types.ts';

/** Writers must hold the parent request's row lock (quoteRequests.findByIdForUpdate) first. */
export interface QuotesRepository {
  /** Inserts revision 1 with status active; throws ConflictError (`quote_exists`) on a second quote by one dealer. */
  insert(quote: NewQuote): Promise<number>;
  insertRevision(revision: QuoteRevision): Promise<void>;
  findById(id: number): Promise<Quote | undefined>;
  /** A locking read: sees the latest committed row even after an earlier plain read fixed the snapshot. */
  findByIdForUpdate(id: number): Promise<Quote | undefined>;
  findByRequestAndDealer(requestId: number, dealerId: number): Promise<Quote | undefined>;
  /** Newest first, up to `limit + 1` rows; `dealerId` narrows to one dealer's quotes. */
  listForRequest(requestId: number, dealerId: number | undefined, page: PageQuery): Promise<Quote[]>;
  /** Newest first, up to `limit + 1` rows; `now` resolves the derived `expired` status. */
  listForDealer(dealerId: number, filter: QuoteFilter, page: PageQuery, now: Date): Promise<Quote[]>;
  listRevisions(quoteId: number): Promise<QuoteRevision[]>;
  updateTerms(id: number, terms: Pick<Quote, 'priceKrw' | 'discountKrw' | 'conditions' | 'validUntil' | 'revision'>, now: Date): Promise<void>;
  setStatus(id: number, status: StoredQuoteStatus, now: Date): Promise<void>;
  /** Closes the active quotes of these requests, except `exceptQuoteId`; one statement for a whole sweep batch. */
  closeActiveForRequests(requestIds: readonly number[], exceptQuoteId: number | null, now: Date): Promise<void>;
}
