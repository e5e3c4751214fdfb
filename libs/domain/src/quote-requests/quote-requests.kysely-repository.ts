import { sql } from 'kysely';
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, QuoteRequestsTable } from '../schema/database.ts';
import { afterCursor, groupBy, insertedId, reusableQuery, reusableQueryByLength, type QueryRows } from '../schema/kysely-helpers.ts';
import { MAX_PAGE_LIMIT } from '../pagination.ts';
import type { QuoteRequestsRepository } from './quote-requests.repository.ts';
import type { QuoteRequest, QuoteRequestFilter, QuoteRequestHeader, QuoteRequestScope, QuoteRequestStatus, RequestedOption } from './quote-requests.types.ts';

type Row = Selectable<QuoteRequestsTable>;
type RequestsEb = ExpressionBuilder<Database, 'quote_requests'>;

/** `queryRows` runs the reads every request view makes (by id, a page and their options and attachments); the rest goes through `db`. */
export function createKyselyQuoteRequestsRepository(db: Kysely<Database>, queryRows: QueryRows): QuoteRequestsRepository {
  // The reads every request view makes, compiled once (a page holds up to MAX_PAGE_LIMIT + 1 rows).
  const requestById = reusableQuery(() => db.selectFrom('quote_requests').selectAll().where('id', '=', 0));
  const optionsOf = reusableQueryByLength((ids) => db.selectFrom('quote_request_options').selectAll().where('request_id', 'in', ids).orderBy('option_code'), MAX_PAGE_LIMIT + 1);
  const attachmentsOf = reusableQueryByLength((ids) => db.selectFrom('quote_request_attachments').selectAll().where('request_id', 'in', ids).orderBy('position'), MAX_PAGE_LIMIT + 1);

  /** Loads options and attachments for a batch of rows in two queries. */
  async function hydrate(rows: Row[]): Promise<QuoteRequest[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => Number(row.id));
    const [optionRows, attachmentRows] = await Promise.all([queryRows(optionsOf(ids)), queryRows(attachmentsOf(ids))]);
    const options = groupBy(optionRows, (row) => Number(row.request_id), (row): RequestedOption => ({
      code: row.option_code,
      name: row.option_name,
      priceKrw: Number(row.price_krw),
    }));
    const attachments = groupBy(attachmentRows, (row) => Number(row.request_id), (row) => row.media_id);
    return rows.map((row) => toQuoteRequest(row, options.get(Number(row.id)) ?? [], attachments.get(Number(row.id)) ?? []));
  }

  return {
    async insert(request) {
      const result = await db
        .insertInto('quote_requests')
        .values({
          customer_id: request.customerId,
          maker_id: request.makerId,
          model_id: request.modelId,
          trim_id: request.trimId,
          region: request.region,
          purchase_timing: request.purchaseTiming,
          payment_method: request.paymentMethod,
          note: request.note,
          list_price_krw: request.listPriceKrw,
          status: 'open',
          expires_at: request.expiresAt,
          accepted_quote_id: null,
          closed_at: null,
          created_at: request.createdAt,
          updated_at: request.createdAt,
        })
        .executeTakeFirstOrThrow();
      const id = insertedId(result);
      if (request.options.length > 0) {
        await db
          .insertInto('quote_request_options')
          .values(request.options.map((option) => ({
            request_id: id,
            option_code: option.code,
            option_name: option.name,
            price_krw: option.priceKrw,
          })))
          .execute();
      }
      if (request.attachmentIds.length > 0) {
        await db
          .insertInto('quote_request_attachments')
          .values(request.attachmentIds.map((mediaId, position) => ({ request_id: id, position, media_id: mediaId })))
          .execute();
      }
      return id;
    },

    async findById(id) {
      const [row] = await queryRows(requestById([id]));
      return row ? (await hydrate([row]))[0] : undefined;
    },

    async findByIdForUpdate(id) {
      const row = await db.selectFrom('quote_requests').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      return row && toQuoteRequestHeader(row);
    },

    async list(scope, filter, page, now) {
      let query = db
        .selectFrom('quote_requests')
        .selectAll()
        .where((eb) => scopeCondition(eb, scope, now))
        .where((eb) => filterCondition(eb, filter, now));
      if (page.after) query = query.where(afterCursor('quote_requests.created_at', 'quote_requests.id', page.after));
      const rows = await queryRows(query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1).compile());
      return hydrate(rows);
    },

    async close(id, change) {
      await db
        .updateTable('quote_requests')
        .set({ status: change.status, accepted_quote_id: change.acceptedQuoteId, closed_at: change.at, updated_at: change.at })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .execute();
    },

    async expireOverdue(now, limit) {
      const rows = await db
        .selectFrom('quote_requests')
        .select('id')
        .where('status', '=', 'open')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .forUpdate()
        .execute();
      const ids = rows.map((row) => Number(row.id));
      if (ids.length > 0) {
        await db
          .updateTable('quote_requests')
          .set({ status: 'expired', closed_at: now, updated_at: now })
          .where('id', 'in', ids)
          .where('status', '=', 'open')
          .execute();
      }
      return ids;
    },
  };
}

function scopeCondition(eb: RequestsEb, scope: QuoteRequestScope, now: Date) {
  switch (scope.kind) {
    case 'all':
      return eb.and([]);
    case 'customer':
      return eb('quote_requests.customer_id', '=', scope.customerId);
    case 'dealer': {
      const alreadyQuoted = eb.exists(
        eb
          .selectFrom('quotes')
          .select(sql`1`.as('one'))
          .whereRef('quotes.request_id', '=', 'quote_requests.id')
          .where('quotes.dealer_id', '=', scope.dealerId),
      );
      if (scope.regions.length === 0) return alreadyQuoted;
      return eb.or([eb.and([eb('quote_requests.region', 'in', scope.regions), statusCondition(eb, 'open', now)]), alreadyQuoted]);
    }
  }
}

function filterCondition(eb: RequestsEb, filter: QuoteRequestFilter, now: Date) {
  const conditions = [];
  if (filter.status !== undefined) conditions.push(statusCondition(eb, filter.status, now));
  if (filter.region !== undefined) conditions.push(eb('quote_requests.region', '=', filter.region));
  if (filter.makerId !== undefined) conditions.push(eb('quote_requests.maker_id', '=', filter.makerId));
  if (filter.modelId !== undefined) conditions.push(eb('quote_requests.model_id', '=', filter.modelId));
  if (filter.trimId !== undefined) conditions.push(eb('quote_requests.trim_id', '=', filter.trimId));
  if (filter.createdFrom !== undefined) conditions.push(eb('quote_requests.created_at', '>=', filter.createdFrom));
  if (filter.createdTo !== undefined) conditions.push(eb('quote_requests.created_at', '<', filter.createdTo));
  return eb.and(conditions);
}

/** The effective status in SQL: an open row past expires_at counts as expired. */
function statusCondition(eb: RequestsEb, status: QuoteRequestStatus, now: Date) {
  switch (status) {
    case 'open':
      return eb.and([eb('quote_requests.status', '=', 'open'), eb('quote_requests.expires_at', '>', now)]);
    case 'expired':
      return eb.or([
        eb('quote_requests.status', '=', 'expired'),
        eb.and([eb('quote_requests.status', '=', 'open'), eb('quote_requests.expires_at', '<=', now)]),
      ]);
    default:
      return eb('quote_requests.status', '=', status);
  }
}

function toQuoteRequest(row: Row, options: RequestedOption[], attachmentIds: string[]): QuoteRequest {
  return { ...toQuoteRequestHeader(row), options, attachmentIds };
}

function toQuoteRequestHeader(row: Row): QuoteRequestHeader {
  return {
    id: Number(row.id),
    customerId: Number(row.customer_id),
    makerId: Number(row.maker_id),
    modelId: Number(row.model_id),
    trimId: Number(row.trim_id),
    region: row.region,
    purchaseTiming: row.purchase_timing,
    paymentMethod: row.payment_method,
    note: row.note,
    listPriceKrw: Number(row.list_price_krw),
    status: row.status,
    expiresAt: row.expires_at,
    acceptedQuoteId: row.accepted_quote_id === null ? null : Number(row.accepted_quote_id),
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
