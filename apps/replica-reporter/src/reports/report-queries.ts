import { sql, type Kysely, type RawBuilder } from 'kysely';
import { KST_OFFSET_HOURS, type Database as Schema, type Granularity } from '@chucar/domain';
import type { ReportScope } from './scope.ts';

/**
 * The SQL of every report, read on the replica only. Requests are selected by creation time
 * through ix_quote_requests_created (or a filter's index), quotes through their request's index,
 * media and incidents by time through their own; the EXPLAIN test holds each to that.
 * Days are Korean days: the UTC column shifted by the fixed +9 h (see the domain's periods).
 */
const kstDay = (column: string) => kstPeriodKey(sql.ref(column), 'day');

/**
 * The period of an instant as the domain's periodOfInstant computes it (the Korean day, the Monday
 * of its ISO week, or the month), for ORDER BY: the reports that keep values for medians read their
 * rows sorted by it, so only one period's groups are held at a time. A test holds the two to the
 * same answer at every boundary.
 */
export function kstPeriodKey(instant: RawBuilder<unknown>, granularity: Granularity): RawBuilder<string> {
  const kst = sql`(${instant} + INTERVAL ${sql.lit(KST_OFFSET_HOURS)} HOUR)`;
  switch (granularity) {
    case 'day':
      return sql<string>`DATE_FORMAT(${kst}, '%Y-%m-%d')`;
    case 'week':
      return sql<string>`DATE_FORMAT(DATE(${kst}) - INTERVAL WEEKDAY(${kst}) DAY, '%Y-%m-%d')`;
    case 'month':
      return sql<string>`DATE_FORMAT(${kst}, '%Y-%m')`;
  }
}

function requestsInScope(db: Kysely<Schema>, scope: ReportScope) {
  let query = db.selectFrom('quote_requests as qr').where('qr.created_at', '>=', scope.start).where('qr.created_at', '<', scope.end);
  if (scope.region !== undefined) query = query.where('qr.region', '=', scope.region);
  if (scope.makerId !== undefined) query = query.where('qr.maker_id', '=', scope.makerId);
  if (scope.modelId !== undefined) query = query.where('qr.model_id', '=', scope.modelId);
  return query;
}

export function volumeByDay(db: Kysely<Schema>, scope: ReportScope) {
  return requestsInScope(db, scope)
    .select([
      kstDay('qr.created_at').as('day'),
      sql<number>`COUNT(*)`.as('requests'),
      sql<number>`SUM((SELECT COUNT(*) FROM quotes q WHERE q.request_id = qr.id))`.as('quotes'),
    ])
    .groupBy(sql`day`)
    .orderBy(sql`day`);
}

export function conversionByDay(db: Kysely<Schema>, scope: ReportScope, asOf: Date) {
  return requestsInScope(db, scope)
    .select([
      kstDay('qr.created_at').as('day'),
      sql<number>`COUNT(*)`.as('requests'),
      sql<number>`SUM(qr.status = 'accepted')`.as('accepted'),
      sql<number>`SUM(qr.status = 'cancelled')`.as('cancelled'),
      // An open request past its expiry is expired even before the sweep writes it.
      sql<number>`SUM(qr.status = 'expired' OR (qr.status = 'open' AND qr.expires_at <= ${asOf}))`.as('expired'),
    ])
    .groupBy(sql`day`)
    .orderBy(sql`day`);
}

/** Requests in time order (the index's own order), so one period's times are held at a time. */
export function firstQuotes(db: Kysely<Schema>, scope: ReportScope) {
  return requestsInScope(db, scope)
    .select([
      'qr.created_at as createdAt',
      (eb) => eb.selectFrom('quotes as q').select((inner) => inner.fn.min('q.created_at').as('first')).whereRef('q.request_id', '=', 'qr.id').as('firstQuoteAt'),
    ])
    .orderBy('qr.created_at');
}

/** Quotes sorted by period, trim and region: the aggregator holds one group's discounts at a time. */
export function quotedPrices(db: Kysely<Schema>, scope: ReportScope, granularity: Granularity) {
  return requestsInScope(db, scope)
    .innerJoin('quotes as q', 'q.request_id', 'qr.id')
    .where('q.status', '<>', 'withdrawn')
    .select(['qr.created_at as requestCreatedAt', 'qr.trim_id as trimId', 'qr.region as region', 'qr.list_price_krw as listPriceKrw', 'q.discount_krw as discountKrw'])
    .orderBy(kstPeriodKey(sql.ref('qr.created_at'), granularity))
    .orderBy('qr.trim_id')
    .orderBy('qr.region');
}

export function requestsByDayAndRegion(db: Kysely<Schema>, scope: ReportScope) {
  return requestsInScope(db, scope)
    .select([kstDay('qr.created_at').as('day'), 'qr.region as region', sql<number>`COUNT(*)`.as('requests')])
    .groupBy([sql`day`, 'qr.region']);
}

/** Quotes sorted by period and dealer: the aggregator holds one dealer's response times at a time. */
export function dealerQuotes(db: Kysely<Schema>, scope: ReportScope, granularity: Granularity) {
  return requestsInScope(db, scope)
    .innerJoin('quotes as q', 'q.request_id', 'qr.id')
    .select(['q.dealer_id as dealerId', 'qr.created_at as requestCreatedAt', 'q.created_at as quotedAt', 'q.status as status'])
    .orderBy(kstPeriodKey(sql.ref('qr.created_at'), granularity))
    .orderBy('q.dealer_id');
}

/** Every dealer with their name, status and the regions they serve today (a few thousand rows). */
export function dealerDirectory(db: Kysely<Schema>) {
  return db
    .selectFrom('accounts as a')
    .innerJoin('dealer_profiles as dp', 'dp.account_id', 'a.id')
    .leftJoin('dealer_regions as dr', 'dr.dealer_id', 'a.id')
    .where('a.role', '=', 'dealer')
    .select(['a.id as dealerId', 'a.status as status', 'dp.dealership_name as name', 'dr.region as region']);
}

/** Korean names of every trim, its model and maker (the catalog: hundreds of rows). */
export function trimNames(db: Kysely<Schema>) {
  return db
    .selectFrom('trims as t')
    .innerJoin('models as mo', 'mo.id', 't.model_id')
    .innerJoin('makers as ma', 'ma.id', 'mo.maker_id')
    .select(['t.id as trimId', 't.name as trim', 'mo.name_ko as model', 'ma.name_ko as maker']);
}

/** Uploads in time order (ix_media_created's own order). */
export function uploads(db: Kysely<Schema>, scope: ReportScope) {
  return db
    .selectFrom('media')
    .where('created_at', '>=', scope.start)
    .where('created_at', '<', scope.end)
    .select(['created_at as createdAt', 'status', 'stored_at as storedAt', 'store_attempts as storeAttempts'])
    .orderBy('created_at');
}

export function incidents(db: Kysely<Schema>, scope: ReportScope) {
  return db
    .selectFrom('media_incidents')
    .where('detected_at', '>=', scope.start)
    .where('detected_at', '<', scope.end)
    .select(['detected_at as detectedAt', 'kind', 'outcome', 'repaired_from as repairedFrom']);
}
