import type { ExpressionBuilder, Kysely } from 'kysely';
import { ConflictError } from '../errors.ts';
import type { Database } from '../schema/database.ts';
import { afterCursor, insertedId, isDuplicateKeyError } from '../schema/kysely-helpers.ts';
import type { QuotesRepository } from './quotes.repository.ts';
import type { Quote, QuoteStatus, StoredQuoteStatus } from './quotes.types.ts';

type QuotesEb = ExpressionBuilder<Database, 'quotes' | 'dealer_profiles'>;

export function createKyselyQuotesRepository(db: Kysely<Database>): QuotesRepository {
  const selectQuotes = () =>
    db
      .selectFrom('quotes')
      .innerJoin('dealer_profiles', 'dealer_profiles.account_id', 'quotes.dealer_id')
      .selectAll('quotes')
      .select('dealer_profiles.dealership_name');

  return {
    async insert(quote) {
      try {
        const result = await db
          .insertInto('quotes')
          .values({
            request_id: quote.requestId,
            dealer_id: quote.dealerId,
            price_krw: quote.priceKrw,
            discount_krw: quote.discountKrw,
            conditions: quote.conditions,
            valid_until: quote.validUntil,
            status: 'active',
            revision: 1,
            created_at: quote.createdAt,
            updated_at: quote.createdAt,
          })
          .executeTakeFirstOrThrow();
        return insertedId(result);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new ConflictError('this dealer already quoted on the request; revise it instead', 'quote_exists');
        throw error;
      }
    },

    async insertRevision(revision) {
      await db
        .insertInto('quote_revisions')
        .values({
          quote_id: revision.quoteId,
          revision: revision.revision,
          price_krw: revision.priceKrw,
          discount_krw: revision.discountKrw,
          conditions: revision.conditions,
          valid_until: revision.validUntil,
          created_at: revision.createdAt,
        })
        .execute();
    },

    async findById(id) {
      const row = await selectQuotes().where('quotes.id', '=', id).executeTakeFirst();
      return row && toQuote(row);
    },

    async findByIdForUpdate(id) {
      const row = await selectQuotes().where('quotes.id', '=', id).forUpdate().executeTakeFirst();
      return row && toQuote(row);
    },

    async findByRequestAndDealer(requestId, dealerId) {
      const row = await selectQuotes()
        .where('quotes.request_id', '=', requestId)
        .where('quotes.dealer_id', '=', dealerId)
        .executeTakeFirst();
      return row && toQuote(row);
    },

    async listForRequest(requestId, dealerId, page) {
      let query = selectQuotes().where('quotes.request_id', '=', requestId);
      if (dealerId !== undefined) query = query.where('quotes.dealer_id', '=', dealerId);
      if (page.after) query = query.where(afterCursor('quotes.created_at', 'quotes.id', page.after));
      const rows = await query.orderBy('quotes.created_at', 'desc').orderBy('quotes.id', 'desc').limit(page.limit + 1).execute();
      return rows.map(toQuote);
    },

    async listForDealer(dealerId, filter, page, now) {
      let query = selectQuotes().where('quotes.dealer_id', '=', dealerId);
      if (filter.status !== undefined) query = query.where((eb) => statusCondition(eb, filter.status as QuoteStatus, now));
      if (filter.requestId !== undefined) query = query.where('quotes.request_id', '=', filter.requestId);
      if (page.after) query = query.where(afterCursor('quotes.created_at', 'quotes.id', page.after));
      const rows = await query.orderBy('quotes.created_at', 'desc').orderBy('quotes.id', 'desc').limit(page.limit + 1).execute();
      return rows.map(toQuote);
    },

    async listRevisions(quoteId) {
      const rows = await db.selectFrom('quote_revisions').selectAll().where('quote_id', '=', quoteId).orderBy('revision').execute();
      return rows.map((row) => ({
        quoteId: Number(row.quote_id),
        revision: Number(row.revision),
        priceKrw: Number(row.price_krw),
        discountKrw: Number(row.discount_krw),
        conditions: row.conditions,
        validUntil: row.valid_until,
        createdAt: row.created_at,
      }));
    },

    async updateTerms(id, terms, now) {
      await db
        .updateTable('quotes')
        .set({
          price_krw: terms.priceKrw,
          discount_krw: terms.discountKrw,
          conditions: terms.conditions,
          valid_until: terms.validUntil,
          revision: terms.revision,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
    },

    async setStatus(id, status, now) {
      await db.updateTable('quotes').set({ status, updated_at: now }).where('id', '=', id).execute();
    },

    async closeActiveForRequests(requestIds, exceptQuoteId, now) {
      if (requestIds.length === 0) return;
      let query = db
        .updateTable('quotes')
        .set({ status: 'closed' satisfies StoredQuoteStatus, updated_at: now })
        .where('request_id', 'in', [...requestIds])
        .where('status', '=', 'active');
      if (exceptQuoteId !== null) query = query.where('id', '!=', exceptQuoteId);
      await query.execute();
    },
  };
}

function statusCondition(eb: QuotesEb, status: QuoteStatus, now: Date) {
  switch (status) {
    case 'active':
      return eb.and([eb('quotes.status', '=', 'active'), eb('quotes.valid_until', '>', now)]);
    case 'expired':
      return eb.and([eb('quotes.status', '=', 'active'), eb('quotes.valid_until', '<=', now)]);
    default:
      return eb('quotes.status', '=', status);
  }
}

function toQuote(row: {
  id: number;
  request_id: number;
  dealer_id: number;
  dealership_name: string;
  price_krw: number;
  discount_krw: number;
  conditions: string;
  valid_until: Date;
  status: StoredQuoteStatus;
  revision: number;
  created_at: Date;
  updated_at: Date;
}): Quote {
  return {
    id: Number(row.id),
    requestId: Number(row.request_id),
    dealerId: Number(row.dealer_id),
    dealershipName: row.dealership_name,
    priceKrw: Number(row.price_krw),
    discountKrw: Number(row.discount_krw),
    conditions: row.conditions,
    validUntil: row.valid_until,
    status: row.status,
    revision: Number(row.revision),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
