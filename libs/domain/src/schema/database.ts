import type { ColumnType, Generated } from 'kysely';
import type { AccountStatus, Role } from '../accounts/accounts.types.ts';
import type { BodyType, FuelType } from '../catalog/catalog.types.ts';
import type { MediaContentType, MediaKind, MediaStatus, VariantName, VariantsStatus } from '../media/media.types.ts';
import type { IncidentKind, IncidentOutcome, MediaStoreName, RepairSource, ScrubPass } from '../media/media-integrity.types.ts';
import type { PaymentMethod, PurchaseTiming, StoredQuoteRequestStatus } from '../quote-requests/quote-requests.types.ts';
import type { StoredQuoteStatus } from '../quotes/quotes.types.ts';
import type { RegionCode } from '../regions.ts';

/**
 * Kysely table interfaces for the marketplace tables (migration 0002) and media (migration 0003).
 * Ids are BIGINT UNSIGNED read as JS numbers; money is BIGINT KRW; every DATETIME(3)
 * is UTC and written by the application from its Clock, never by a DB default.
 */
type Id = Generated<number>;
type Timestamp = ColumnType<Date, Date, Date>;

export interface MakersTable {
  id: Id;
  code: string;
  name: string;
  name_ko: string;
  country_code: string;
}

export interface ModelsTable {
  id: Id;
  maker_id: number;
  code: string;
  name: string;
  name_ko: string;
}

export interface TrimsTable {
  id: Id;
  model_id: number;
  code: string;
  name: string;
  model_year: number;
  fuel_type: FuelType;
  body_type: BodyType;
  list_price_krw: number;
}

export interface TrimOptionsTable {
  id: Id;
  trim_id: number;
  code: string;
  name: string;
  price_krw: number;
}

export interface AccountsTable {
  id: Id;
  email: string;
  password_hash: string;
  role: Role;
  status: AccountStatus;
  display_name: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DealerProfilesTable {
  account_id: number;
  dealership_name: string;
  reviewed_by: number | null;
  reviewed_at: Date | null;
}

export interface DealerRegionsTable {
  dealer_id: number;
  region: RegionCode;
}

export interface RefreshTokensTable {
  id: Id;
  account_id: number;
  family_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

export interface QuoteRequestsTable {
  id: Id;
  customer_id: number;
  maker_id: number;
  model_id: number;
  trim_id: number;
  region: RegionCode;
  purchase_timing: PurchaseTiming;
  payment_method: PaymentMethod;
  note: string | null;
  list_price_krw: number;
  status: StoredQuoteRequestStatus;
  expires_at: Timestamp;
  accepted_quote_id: number | null;
  closed_at: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QuoteRequestOptionsTable {
  request_id: number;
  option_code: string;
  option_name: string;
  price_krw: number;
}

export interface QuoteRequestAttachmentsTable {
  request_id: number;
  position: number;
  media_id: string;
}

export interface QuotesTable {
  id: Id;
  request_id: number;
  dealer_id: number;
  price_krw: number;
  discount_krw: number;
  conditions: string;
  valid_until: Timestamp;
  status: StoredQuoteStatus;
  revision: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface QuoteRevisionsTable {
  id: Id;
  quote_id: number;
  revision: number;
  price_krw: number;
  discount_krw: number;
  conditions: string;
  valid_until: Timestamp;
  created_at: Timestamp;
}

/** Media ids are UUIDs made by the media service, so the column is not generated. */
export interface MediaTable {
  id: string;
  owner_id: number;
  sha256: string;
  size_bytes: number;
  content_type: MediaContentType;
  kind: MediaKind;
  status: MediaStatus;
  variants_status: VariantsStatus;
  failure_reason: string | null;
  store_attempts: Generated<number>;
  original_key: string;
  width: number | null;
  height: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  stored_at: Date | null;
  verified_at: Date | null;
  deleted_at: Date | null;
  /** Migration 0004: when no store nor the spool could give the original back. */
  lost_at: Generated<Date | null>;
  /** Migration 0004: when a deleted media's objects were removed from every store. */
  purged_at: Generated<Date | null>;
}

export interface MediaVariantsTable {
  media_id: string;
  name: VariantName;
  object_key: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  width: number;
  height: number;
  stored_at: Timestamp;
}

/** Migration 0004: one object in one store, as last seen good (HEAD: verified_at; full re-read: rehashed_at). */
export interface MediaObjectCopiesTable {
  store: MediaStoreName;
  object_key: string;
  media_id: string;
  sha256: string;
  size_bytes: number;
  stored_at: Timestamp;
  verified_at: Timestamp;
  rehashed_at: Date | null;
}

/** Migration 0004: a missing or changed object the scrubber found, and what became of it. */
export interface MediaIncidentsTable {
  id: Id;
  media_id: string;
  object_key: string;
  store: MediaStoreName;
  kind: IncidentKind;
  pass: ScrubPass;
  last_verified_good_at: Date | null;
  detected_at: Timestamp;
  repaired_at: Date | null;
  repaired_from: RepairSource | null;
  outcome: IncidentOutcome;
  detail: string | null;
}

/** Migration 0005: an Idempotency-Key and the sealed answer of the write it guarded (see libs/platform idempotency). */
export interface IdempotencyKeysTable {
  scope: string;
  idem_key: string;
  fingerprint: Buffer;
  status_code: number | null;
  sealed_response: Buffer | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface Database {
  makers: MakersTable;
  models: ModelsTable;
  trims: TrimsTable;
  trim_options: TrimOptionsTable;
  accounts: AccountsTable;
  dealer_profiles: DealerProfilesTable;
  dealer_regions: DealerRegionsTable;
  refresh_tokens: RefreshTokensTable;
  quote_requests: QuoteRequestsTable;
  quote_request_options: QuoteRequestOptionsTable;
  quote_request_attachments: QuoteRequestAttachmentsTable;
  quotes: QuotesTable;
  quote_revisions: QuoteRevisionsTable;
  media: MediaTable;
  media_variants: MediaVariantsTable;
  media_object_copies: MediaObjectCopiesTable;
  media_incidents: MediaIncidentsTable;
  idempotency_keys: IdempotencyKeysTable;
}

/** Every table, children before parents: deleting or dropping in this order never trips a foreign key. */
export const TABLES_CHILDREN_FIRST = [
  'idempotency_keys',
  'quote_revisions',
  'quotes',
  'quote_request_attachments',
  'quote_request_options',
  'quote_requests',
  'media_incidents',
  'media_object_copies',
  'media_variants',
  'media',
  'refresh_tokens',
  'dealer_regions',
  'dealer_profiles',
  'accounts',
  'trim_options',
  'trims',
  'models',
  'makers',
] as const satisfies readonly (keyof Database)[];

// Fails to compile when a table is added to Database and not to the list above.
const everyTableListed: Exclude<keyof Database, (typeof TABLES_CHILDREN_FIRST)[number]> extends never ? true : never = true;
void everyTableListed;
