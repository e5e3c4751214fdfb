import type { Kysely, Selectable } from 'kysely';
import type { Database, RefreshTokensTable } from '../schema/database.ts';
import { insertedId } from '../schema/kysely-helpers.ts';
import type { RefreshTokensRepository } from './accounts.repository.ts';
import type { RefreshTokenRecord } from './accounts.types.ts';

export function createKyselyRefreshTokensRepository(db: Kysely<Database>): RefreshTokensRepository {
  async function revokeWhere(column: 'family_id' | 'account_id', value: string | number, now: Date): Promise<void> {
    await db.updateTable('refresh_tokens').set({ revoked_at: now }).where(column, '=', value).where('revoked_at', 'is', null).execute();
  }

  return {
    async insert(token) {
      const result = await db
        .insertInto('refresh_tokens')
        .values({
          account_id: token.accountId,
          family_id: token.familyId,
          token_hash: token.tokenHash,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
          rotated_at: token.rotatedAt,
          revoked_at: token.revokedAt,
        })
        .executeTakeFirstOrThrow();
      return insertedId(result);
    },

    async findByHashForUpdate(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .forUpdate()
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async markRotated(id, now) {
      await db.updateTable('refresh_tokens').set({ rotated_at: now }).where('id', '=', id).execute();
    },

    revokeFamily: (familyId, now) => revokeWhere('family_id', familyId, now),
    revokeAllForAccount: (accountId, now) => revokeWhere('account_id', accountId, now),
  };
}

function toRecord(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    familyId: row.family_id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
    revokedAt: row.revoked_at,
  };
}
