import { describe, expect, it } from 'vitest';
import type { RefreshTokenRecord } from '../../accounts/accounts.types.ts';
import { testCatalog } from '../catalog-fixture.ts';
import { T0, arrange, daysAfterT0, minutesAfterT0 } from './world.ts';
import type { OpenRepositories } from './world.ts';

/** Shaped like the real ones: a UUID family and a SHA-256 hex hash. */
const family = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const hash = (n: number) => String(n).padStart(64, 'f');

export function refreshTokensCases(open: OpenRepositories): void {
  describe('refresh tokens', () => {
    async function withAccounts() {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      const owner = await world.customer();
      const other = await world.customer();
      let tokens = 0;
      const insert = (accountId: number, familyId: string, revokedAt: Date | null = null) => {
        tokens += 1;
        const token: Omit<RefreshTokenRecord, 'id'> = { accountId, familyId, tokenHash: hash(tokens), createdAt: T0, expiresAt: daysAfterT0(30), rotatedAt: null, revokedAt };
        return repos.refreshTokens.insert(token);
      };
      const revokedAt = async (n: number) => (await repos.refreshTokens.findByHashForUpdate(hash(n)))?.revokedAt;
      return { repos, owner, other, insert, revokedAt };
    }

    it('finds a token by its hash; an unknown hash finds nothing', async () => {
      const { repos, owner, insert } = await withAccounts();
      const id = await insert(owner, family(1));
      expect(await repos.refreshTokens.findByHashForUpdate(hash(1))).toEqual({
        id,
        accountId: owner,
        familyId: family(1),
        tokenHash: hash(1),
        createdAt: T0,
        expiresAt: daysAfterT0(30),
        rotatedAt: null,
        revokedAt: null,
      });
      expect(await repos.refreshTokens.findByHashForUpdate(hash(999))).toBeUndefined();
    });

    it('refuses a second token with the same hash', async () => {
      const { repos, owner, other, insert } = await withAccounts();
      await insert(owner, family(1));
      const duplicate = { accountId: other, familyId: family(2), tokenHash: hash(1), createdAt: T0, expiresAt: daysAfterT0(30), rotatedAt: null, revokedAt: null };
      await expect(repos.refreshTokens.insert(duplicate)).rejects.toThrow();
    });

    it('marks a token rotated', async () => {
      const { repos, owner, insert } = await withAccounts();
      const id = await insert(owner, family(1));
      await repos.refreshTokens.markRotated(id, minutesAfterT0(1));
      expect(await repos.refreshTokens.findByHashForUpdate(hash(1))).toMatchObject({ rotatedAt: minutesAfterT0(1), revokedAt: null });
    });

    it('revokes a family, or all of an account’s tokens, keeping an earlier revocation time', async () => {
      const { repos, owner, other, insert, revokedAt } = await withAccounts();
      await insert(owner, family(1));
      await insert(owner, family(1), minutesAfterT0(1));
      await insert(owner, family(2));
      await insert(other, family(3));

      await repos.refreshTokens.revokeFamily(family(1), minutesAfterT0(2));
      expect([await revokedAt(1), await revokedAt(2), await revokedAt(3), await revokedAt(4)]).toEqual([minutesAfterT0(2), minutesAfterT0(1), null, null]);

      await repos.refreshTokens.revokeAllForAccount(owner, minutesAfterT0(3));
      expect([await revokedAt(1), await revokedAt(2), await revokedAt(3), await revokedAt(4)]).toEqual([minutesAfterT0(2), minutesAfterT0(1), minutesAfterT0(3), null]);
    });
  });
}
