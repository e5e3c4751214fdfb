import type { Kysely, Selectable } from 'kysely';
import type { Database, RefreshTokensTable } from '../schema/database.ts';
import { insertedId } from '../schema/kysely-helpers.ts';
import type { RefreshTokensRepository } from './accounts.repository.ts';
import type { RefreshTokenRecord } from './accounts.types.ts';

export function createKyselyRefreshTokensRepository(db: Kysely<Database>): RefreshTokensRepository {
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

    async revokeFamily(familyId, now) {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    async revokeAllForAccount(accountId, now) {
      await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: now })
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .execute();
    },
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
