/**
 * The gateway's own response and shared request schemas: they validate, serialise, type the handlers
 * and feed OpenAPI. What the gateway forwards to another service is in `@chucar/contracts`.
 */
import { Type, type TSchema } from 'typebox';
import { DateTime, literals } from '@chucar/contracts';
import {
  ACCOUNT_STATUSES,
  BODY_TYPES,
  FUEL_TYPES,
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  PAYMENT_METHODS,
  PURCHASE_TIMINGS,
  QUOTE_REQUEST_STATUSES,
  QUOTE_STATUSES,
  REGION_CODES,
  ROLES,
} from '@chucar/domain';

/**
 * In requests: an ISO 8601 string the route turns into a Date. The format admits a leap second
 * (23:59:60), which Date cannot hold: it would become an Invalid Date, so seconds stop at 59.
 */
export const DateTimeInput = Type.String({ format: 'date-time', pattern: '^\\d{4}-\\d\\d-\\d\\d[Tt ]\\d\\d:\\d\\d:[0-5]\\d' });
/** In responses; a request takes IdInput, below. */
export const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/**
 * In requests: an integer within bounds. ajv coerces a string with `+value` and takes any result
 * that looks whole, and ±Infinity does ("1e309", "Infinity": Infinity % 1 is NaN, and !NaN is true);
 * minimum and maximum then skip it, since they only apply to finite numbers (ajv#2212,
 * fastify#6718). The nested `type` checks the coerced value again, and rejects ±Infinity.
 */
export function IntegerInput(bounds: { minimum: number; maximum: number; default?: number }) {
  return Type.Integer({ ...bounds, allOf: [{ type: 'integer' }] });
}
export const IdInput = IntegerInput({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const IdParams = Type.Object({ id: IdInput });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(IntegerInput({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })),
};

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

export const RegionCode = literals(REGION_CODES);
export const Role = literals(ROLES);
export const AccountStatus = literals(ACCOUNT_STATUSES);
export const FuelType = literals(FUEL_TYPES);
export const BodyType = literals(BODY_TYPES);
export const PurchaseTiming = literals(PURCHASE_TIMINGS);
export const PaymentMethod = literals(PAYMENT_METHODS);
export const QuoteRequestStatus = literals(QUOTE_REQUEST_STATUSES);
export const QuoteStatus = literals(QUOTE_STATUSES);

export const Account = Type.Object({
  id: Id,
  email: Type.String(),
  role: Role,
  status: AccountStatus,
  displayName: Type.String(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const Dealer = Type.Object({
  ...Account.properties,
  dealershipName: Type.String(),
  regions: Type.Array(RegionCode),
  reviewedBy: Type.Union([Id, Type.Null()]),
  reviewedAt: Type.Union([DateTime, Type.Null()]),
});

export const Maker = Type.Object({ id: Id, code: Type.String(), name: Type.String(), nameKo: Type.String(), countryCode: Type.String() });
export const CarModel = Type.Object({ id: Id, makerId: Id, code: Type.String(), name: Type.String(), nameKo: Type.String() });
export const Trim = Type.Object({
  id: Id,
  modelId: Id,
  makerId: Id,
  code: Type.String(),
  name: Type.String(),
  modelYear: Type.Integer(),
  fuelType: FuelType,
  bodyType: BodyType,
  listPriceKrw: Type.Integer(),
});
export const TrimOption = Type.Object({ id: Id, trimId: Id, code: Type.String(), name: Type.String(), priceKrw: Type.Integer() });
export const TrimDetail = Type.Object({ ...Trim.properties, maker: Maker, model: CarModel, options: Type.Array(TrimOption) });

export const QuoteRequest = Type.Object({
  id: Id,
  customerId: Id,
  makerId: Id,
  modelId: Id,
  trimId: Id,
  region: RegionCode,
  purchaseTiming: PurchaseTiming,
  paymentMethod: PaymentMethod,
  note: Type.Union([Type.String(), Type.Null()]),
  options: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), priceKrw: Type.Integer() })),
  attachmentIds: Type.Array(Type.String()),
  listPriceKrw: Type.Integer(),
  status: QuoteRequestStatus,
  expiresAt: DateTime,
  acceptedQuoteId: Type.Union([Id, Type.Null()]),
  closedAt: Type.Union([DateTime, Type.Null()]),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const Quote = Type.Object({
  id: Id,
  requestId: Id,
  dealerId: Id,
  dealershipName: Type.String(),
  priceKrw: Type.Integer(),
  discountKrw: Type.Integer({ description: 'list price of the request minus the quoted price' }),
  conditions: Type.String(),
  validUntil: DateTime,
  status: QuoteStatus,
  revision: Type.Integer(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const QuoteRevision = Type.Object({
  quoteId: Id,
  revision: Type.Integer(),
  priceKrw: Type.Integer(),
  discountKrw: Type.Integer(),
  conditions: Type.String(),
  validUntil: DateTime,
  createdAt: DateTime,
});
