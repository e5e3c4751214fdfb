import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../errors.ts';
import type { AccountsTable, Database } from '../schema/database.ts';
import { afterCursor, groupBy, insertedId, isDuplicateKeyError } from '../schema/kysely-helpers.ts';
import type { AccountsRepository } from './accounts.repository.ts';
import type { Account, Dealer } from './accounts.types.ts';

export function createKyselyAccountsRepository(db: Kysely<Database>): AccountsRepository {
  const selectDealers = () =>
    db
      .selectFrom('accounts')
      .innerJoin('dealer_profiles', 'dealer_profiles.account_id', 'accounts.id')
      .selectAll('accounts')
      .select(['dealer_profiles.dealership_name', 'dealer_profiles.reviewed_by', 'dealer_profiles.reviewed_at'])
      .where('accounts.role', '=', 'dealer');

  async function withRegions(rows: Awaited<ReturnType<ReturnType<typeof selectDealers>['execute']>>): Promise<Dealer[]> {
    if (rows.length === 0) return [];
    const regionRows = await db
      .selectFrom('dealer_regions')
      .select(['dealer_id', 'region'])
      .where('dealer_id', 'in', rows.map((row) => row.id))
      .orderBy('region')
      .execute();
    const regionsByDealer = groupBy(regionRows, (row) => Number(row.dealer_id), (row) => row.region);
    return rows.map((row) => ({
      ...toAccount(row),
      dealershipName: row.dealership_name,
      regions: regionsByDealer.get(Number(row.id)) ?? [],
      reviewedBy: row.reviewed_by === null ? null : Number(row.reviewed_by),
      reviewedAt: row.reviewed_at,
    }));
  }

  return {
    async insertAccount(account) {
      try {
        const result = await db
          .insertInto('accounts')
          .values({
            email: account.email,
            password_hash: account.passwordHash,
            role: account.role,
            status: account.status,
            display_name: account.displayName,
            created_at: account.createdAt,
            updated_at: account.createdAt,
          })
          .executeTakeFirstOrThrow();
        return insertedId(result);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new ConflictError('an account with this email already exists', 'email_taken');
        throw error;
      }
    },

    async insertDealerProfile(dealerId, dealershipName, regions) {
      await db
        .insertInto('dealer_profiles')
        .values({ account_id: dealerId, dealership_name: dealershipName, reviewed_by: null, reviewed_at: null })
        .execute();
      await db
        .insertInto('dealer_regions')
        .values(regions.map((region) => ({ dealer_id: dealerId, region })))
        .execute();
    },

    async findById(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAccount(row);
    },

    async findByEmailWithPasswordHash(email) {
      const row = await db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
      return row && { ...toAccount(row), passwordHash: row.password_hash };
    },

    async findDealer(id) {
      const row = await selectDealers().where('accounts.id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const [dealer] = await withRegions([row]);
      return dealer;
    },

    async listDealers(filter, page) {
      let query = selectDealers();
      if (filter.status !== undefined) query = query.where('accounts.status', '=', filter.status);
      if (page.after) query = query.where(afterCursor('accounts.created_at', 'accounts.id', page.after));
      const rows = await query
        .orderBy('accounts.created_at', 'desc')
        .orderBy('accounts.id', 'desc')
        .limit(page.limit + 1)
        .execute();
      return withRegions(rows);
    },

    async countByRole(role) {
      const row = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async updateStatus(id, status, now) {
      await db.updateTable('accounts').set({ status, updated_at: now }).where('id', '=', id).execute();
    },

    async recordDealerReview(dealerId, reviewerId, now) {
      await db
        .updateTable('dealer_profiles')
        .set({ reviewed_by: reviewerId, reviewed_at: now })
        .where('account_id', '=', dealerId)
        .execute();
    },
  };
}

function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: Number(row.id),
    email: row.email,
    role: row.role,
    status: row.status,
    displayName: row.display_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
