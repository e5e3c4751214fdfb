import type { PageQuery } from '../pagination.ts';
import type { NewQuoteRequest, QuoteRequest, QuoteRequestFilter, QuoteRequestHeader, QuoteRequestScope, StatusChange } from './quote-requests.types.ts';

/** Records carry the stored status; services derive the effective one. */
export interface QuoteRequestsRepository {
  insert(request: NewQuoteRequest): Promise<number>;
  findById(id: number): Promise<QuoteRequest | undefined>;
  /** SELECT … FOR UPDATE: every write touching a request or its quotes takes this lock first. */
  /** Locks the row for the rest of the transaction; returns it without options and attachments. */
  findByIdForUpdate(id: number): Promise<QuoteRequestHeader | undefined>;
  /** Newest first, up to `limit + 1` rows. `now` resolves effective statuses in the scope and filter. */
  list(scope: QuoteRequestScope, filter: QuoteRequestFilter, page: PageQuery, now: Date): Promise<QuoteRequest[]>;
  /** Moves an open request to a final status. */
  close(id: number, change: StatusChange): Promise<void>;
  /** Marks up to `limit` overdue open requests expired (locking them) and returns their ids. */
  expireOverdue(now: Date, limit: number): Promise<number[]>;
}
