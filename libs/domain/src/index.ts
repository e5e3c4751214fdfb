/**
 * The public surface of @chucar/domain. Nothing outside this package imports deeper paths.
 */

// Errors, time, paging, regions, callers
export { ConflictError, DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from './errors.ts';
export type { FieldIssue } from './errors.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './pagination.ts';
export type { CursorPosition, Page, PageRequest } from './pagination.ts';
export { REGION_CODES, listRegions } from './regions.ts';
export type { Region, RegionCode } from './regions.ts';
export { ROLES } from './actor.ts';
export type { Actor, Role } from './actor.ts';

// Ports and their Kysely adapters
export { createKyselyWriteRunner, createRepositories, readsFrom } from './repositories.ts';
export type { ReadRunner, Repositories, RepositoryOptions, WriteRunner } from './repositories.ts';
export type { QueryRows } from './schema/kysely-helpers.ts';
export type { Database } from './schema/database.ts';
export { TABLES_CHILDREN_FIRST } from './schema/database.ts';
export { domainMigrations } from './schema/migrations/index.ts';

// Catalog
export { createCatalog } from './catalog/catalog.service.ts';
export type { CatalogDeps, CatalogService } from './catalog/catalog.service.ts';
export { BODY_TYPES, FUEL_TYPES } from './catalog/catalog.types.ts';
export type { BodyType, CarModel, FuelType, Maker, Trim, TrimDetail, TrimFilter, TrimOption } from './catalog/catalog.types.ts';

// Accounts
export { createAccounts } from './accounts/accounts.service.ts';
export type { AccountsDeps, AccountsService, AccountsSettings } from './accounts/accounts.service.ts';
export { normalizeEmail } from './accounts/account-input.ts';
export { DEFAULT_SIGN_IN_THROTTLE, SIGN_IN_SUCCESS_EFFECT, SIGN_IN_THROTTLE_SCOPES, signInDelayMs, signInDelaySteps } from './accounts/sign-in-throttle.ts';
export type { SignInDelayRule, SignInThrottlePolicy, SignInThrottleScope } from './accounts/sign-in-throttle.ts';
export { hashPassword, verifyPassword } from './accounts/passwords.ts';
export type { ScryptParams } from './accounts/passwords.ts';
export { ACCOUNT_STATUSES } from './accounts/accounts.types.ts';
export type {
  Account,
  AccountStatus,
  CreateStaffAccountInput,
  Dealer,
  DealerFilter,
  IssuedRefreshToken,
  RotatedRefreshToken,
  SignUpCustomerInput,
  SignUpDealerInput,
} from './accounts/accounts.types.ts';

// Quote requests and quotes
export { createMarketplace } from './marketplace.ts';
export type { Marketplace } from './marketplace.ts';
export { DEFAULT_REQUEST_TTL_DAYS, MAX_QUOTE_VALIDITY_DAYS } from './quote-requests/quote-requests.service.ts';
export type { MarketplaceDeps, MarketplaceSettings, QuoteRequestsService } from './quote-requests/quote-requests.service.ts';
export type { AcceptedQuote, QuotesService } from './quotes/quotes.service.ts';
export {
  MAX_ATTACHMENTS,
  NOTE_MAX_LENGTH,
  PAYMENT_METHODS,
  PURCHASE_TIMINGS,
  QUOTE_REQUEST_STATUSES,
} from './quote-requests/quote-requests.types.ts';
export type {
  CreateQuoteRequestInput,
  PaymentMethod,
  PurchaseTiming,
  QuoteRequest,
  QuoteRequestFilter,
  QuoteRequestStatus,
  RequestedOption,
} from './quote-requests/quote-requests.types.ts';
export { CONDITIONS_MAX_LENGTH, QUOTE_STATUSES } from './quotes/quotes.types.ts';
export type { Quote, QuoteFilter, QuoteRevision, QuoteStatus, ReviseQuoteInput, SubmitQuoteInput } from './quotes/quotes.types.ts';

// Media
export { MEDIA_ID_PATTERN, createMediaService, isMediaId } from './media/media.service.ts';
export type { MediaForViewer, MediaService, MediaServiceDeps, RegisteredUpload, UploadedMedia } from './media/media.service.ts';
export type { MediaRepository, RegisterOutcome } from './media/media.repository.ts';
export { createKyselyMediaIntegrityRepository } from './media/media-integrity.kysely-repository.ts';
export type { LostMedia, MediaIntegrityRepository, PurgeCandidate, VerifiedCopy } from './media/media-integrity.repository.ts';
export { INCIDENT_DETAIL_MAX_LENGTH, INCIDENT_KINDS, INCIDENT_OUTCOMES, MEDIA_STORES, REPAIR_SOURCES, SCRUB_PASSES } from './media/media-integrity.types.ts';
export type { ExpectedObject, IncidentKind, IncidentOutcome, MediaIncident, MediaStoreName, NewIncident, ObjectCopy, RepairSource, ScrubPass } from './media/media-integrity.types.ts';
export { canAttach, canDelete, canSeeOriginal, canSeeVariants } from './media/media.rules.ts';
export { createKyselyMediaOperationsRepository, requeueDecision } from './media/media-operations.ts';
export type { MediaOperationsRepository, RequeueDecision, RequeueJob } from './media/media-operations.ts';
export {
  DEFAULT_MEDIA_MAX_UPLOAD_BYTES,
  DOCUMENT_CONTENT_TYPES,
  FAILURE_REASON_MAX_LENGTH,
  IMAGE_CONTENT_TYPES,
  MEDIA_CONTENT_TYPES,
  MEDIA_KINDS,
  MEDIA_MAX_PIXELS,
  MEDIA_STATUSES,
  VARIANT_CONTENT_TYPE,
  VARIANT_NAMES,
  VARIANT_WIDTHS,
  VARIANTS_STATUSES,
  isMediaContentType,
  mediaKindOf,
  originalObjectKey,
  variantObjectKey,
} from './media/media.types.ts';
export type { Media, MediaContentType, MediaKind, MediaStatus, MediaVariant, NewMedia, NewMediaVariant, VariantName, VariantsStatus } from './media/media.types.ts';

// Reporting (the replica reporter's definitions and arithmetic)
export * from './reporting/index.ts';
