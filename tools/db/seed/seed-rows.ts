import type { Insertable } from 'kysely';
import type { Database, RegionCode } from '@chucar/domain';

/** One row of a table as the seeder writes it: every column present, ids explicit. */
export type RowOf<T extends keyof Database> = Required<Insertable<Database[T]>>;

/** A trim as the request generator needs it, with the ids the catalog has in this database. */
export type CatalogTrim = {
  trimId: number;
  makerId: number;
  modelId: number;
  modelCode: string;
  countryCode: string;
  listPriceKrw: number;
  options: readonly { code: string; name: string; priceKrw: number }[];
};

/** Generated customers, sorted by sign-up time (ids ascend with it). */
export type SeededCustomers = {
  ids: readonly number[];
  createdAtMs: Float64Array;
  homeRegions: readonly RegionCode[];
};

export type SeededDealer = {
  id: number;
  regions: readonly RegionCode[];
  status: 'active' | 'pending_review' | 'suspended';
  /** When the dealer could first quote (approval); null unless active. */
  activeSinceMs: number | null;
  /** How eagerly the dealer quotes, relative to others. */
  activity: number;
};

export type RequestBatch = {
  requests: RowOf<'quote_requests'>[];
  options: RowOf<'quote_request_options'>[];
  quotes: RowOf<'quotes'>[];
  revisions: RowOf<'quote_revisions'>[];
  nextQuoteId: number;
  nextRevisionId: number;
};

export const DEMO_EMAIL_DOMAIN = 'demo.chucar.kr';
