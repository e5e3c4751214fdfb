import type { RegionCode } from '../regions.ts';

export const PURCHASE_TIMINGS = ['this_month', 'within_3_months', 'later'] as const;
export type PurchaseTiming = (typeof PURCHASE_TIMINGS)[number];

export const PAYMENT_METHODS = ['cash', 'installment', 'lease'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const QUOTE_REQUEST_STATUSES = ['open', 'accepted', 'cancelled', 'expired'] as const;
export type QuoteRequestStatus = (typeof QUOTE_REQUEST_STATUSES)[number];
/** Stored and effective statuses share one vocabulary; they differ only for overdue open rows. */
export type StoredQuoteRequestStatus = QuoteRequestStatus;

export const NOTE_MAX_LENGTH = 1000;
export const MAX_ATTACHMENTS = 10;
export const ATTACHMENT_ID_MAX_LENGTH = 64;

/** An option as chosen at request time; name and price are copied so later catalog edits do not rewrite history. */
export type RequestedOption = { code: string; name: string; priceKrw: number };

export type QuoteRequest = {
  id: number;
  customerId: number;
  makerId: number;
  modelId: number;
  trimId: number;
  region: RegionCode;
  purchaseTiming: PurchaseTiming;
  paymentMethod: PaymentMethod;
  note: string | null;
  options: RequestedOption[];
  attachmentIds: string[];
  /** Trim price plus chosen options at request time; quotes' discounts are computed against it. */
  listPriceKrw: number;
  /** In records: as stored. In service results: effective (an overdue open request reads `expired`). */
  status: QuoteRequestStatus;
  expiresAt: Date;
  acceptedQuoteId: number | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

/** The request row alone, without options and attachments: what a write needs to decide. */
export type QuoteRequestHeader = Omit<QuoteRequest, 'options' | 'attachmentIds'>;

export type NewQuoteRequest = Omit<QuoteRequest, 'id' | 'status' | 'acceptedQuoteId' | 'closedAt' | 'updatedAt'>;

export type CreateQuoteRequestInput = {
  trimId: number;
  optionCodes?: string[];
  region: string;
  purchaseTiming: string;
  paymentMethod: string;
  note?: string | null;
  attachmentIds?: string[];
};

export type QuoteRequestFilter = {
  /** Effective status. */
  status?: QuoteRequestStatus;
  region?: RegionCode;
  makerId?: number;
  modelId?: number;
  trimId?: number;
  /** Inclusive lower bound on created_at. */
  createdFrom?: Date;
  /** Exclusive upper bound on created_at. */
  createdTo?: Date;
};

/** Which requests a caller may list at all; filters narrow further. */
export type QuoteRequestScope =
  | { kind: 'all' }
  | { kind: 'customer'; customerId: number }
  | { kind: 'dealer'; dealerId: number; regions: RegionCode[] };

export type StatusChange = { status: Exclude<QuoteRequestStatus, 'open'>; acceptedQuoteId: number | null; at: Date };
