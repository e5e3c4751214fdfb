export const STORED_QUOTE_STATUSES = ['active', 'withdrawn', 'accepted', 'closed'] as const;
export type StoredQuoteStatus = (typeof STORED_QUOTE_STATUSES)[number];

/** `expired` is derived: an active quote whose valid-until has passed. */
export const QUOTE_STATUSES = [...STORED_QUOTE_STATUSES, 'expired'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export const CONDITIONS_MAX_LENGTH = 2000;

export type Quote = {
  id: number;
  requestId: number;
  dealerId: number;
  dealershipName: string;
  priceKrw: number;
  /** Request list price minus quoted price. */
  discountKrw: number;
  conditions: string;
  validUntil: Date;
  /** In records: as stored. In service results: effective. */
  status: QuoteStatus;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
};

export type QuoteRevision = {
  quoteId: number;
  revision: number;
  priceKrw: number;
  discountKrw: number;
  conditions: string;
  validUntil: Date;
  createdAt: Date;
};

export type NewQuote = Omit<Quote, 'id' | 'dealershipName' | 'status' | 'revision' | 'updatedAt'>;

export type QuoteTerms = { priceKrw: number; conditions: string; validUntil: Date };

export type SubmitQuoteInput = QuoteTerms;

export type ReviseQuoteInput = QuoteTerms;

export type QuoteFilter = { status?: QuoteStatus; requestId?: number };
