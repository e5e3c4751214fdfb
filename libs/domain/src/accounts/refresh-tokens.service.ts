import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { addDays } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { UnauthenticatedError } from '../errors.ts';
import type { Repositories, WriteRunner } from '../repositories.ts';
import type { Account, IssuedRefreshToken, RotatedRefreshToken } from './accounts.types.ts';

export type RefreshTokenService = {
  issueRefreshToken(accountId: number): Promise<IssuedRefreshToken>;
  /**
   * Trades a refresh token for a new one in the same family. Presenting a token that was
   * already rotated means it leaked: the whole family is revoked and the call fails.
   */
  rotateRefreshToken(token: string): Promise<RotatedRefreshToken>;
  /** Logout: revokes the token's family. Unknown tokens are ignored. */
  revokeRefreshToken(token: string): Promise<void>;
  /** Revokes every refresh token of the account (password change, suspension). */
  revokeRefreshTokens(accountId: number): Promise<void>;
};

type Deps = { writes: WriteRunner; clock: Clock; settings: { refreshTokenTtlDays: number } };

type RotationOutcome = { kind: 'rotated'; result: RotatedRefreshToken } | { kind: 'rejected'; reason: string };

/** Tokens are 256 random bits; only their SHA-256 is stored, so a database leak yields nothing usable. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createRefreshTokens(deps: Deps): RefreshTokenService {
  const { writes, clock, settings } = deps;

  async function insertToken(repos: Repositories, accountId: number, familyId: string): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = addDays(now, settings.refreshTokenTtlDays);
    await repos.refreshTokens.insert({
      accountId,
      familyId,
      tokenHash: hashRefreshToken(token),
      createdAt: now,
      expiresAt,
      rotatedAt: null,
      revokedAt: null,
    });
    return { token, expiresAt };
  }

  return {
    issueRefreshToken: (accountId) => writes.transaction((repos) => insertToken(repos, accountId, randomUUID())),

    async rotateRefreshToken(token) {
      // Revocations must commit, so rejections are returned from the transaction and thrown after it.
      const outcome = await writes.transaction(async (repos): Promise<RotationOutcome> => {
        const now = clock.now();
        const stored = await repos.refreshTokens.findByHashForUpdate(hashRefreshToken(token));
        if (!stored) return { kind: 'rejected', reason: 'unknown refresh token' };
        if (stored.rotatedAt || stored.revokedAt) {
          await repos.refreshTokens.revokeFamily(stored.familyId, now);
          return { kind: 'rejected', reason: 'refresh token reuse detected' };
        }
        if (stored.expiresAt.getTime() <= now.getTime()) return { kind: 'rejected', reason: 'refresh token expired' };
        const account: Account | undefined = await repos.accounts.findById(stored.accountId);
        if (!account || account.status === 'suspended') {
          await repos.refreshTokens.revokeFamily(stored.familyId, now);
          return { kind: 'rejected', reason: 'account is not allowed to refresh' };
        }
        await repos.refreshTokens.markRotated(stored.id, now);
        const issued = await insertToken(repos, stored.accountId, stored.familyId);
        return { kind: 'rotated', result: { ...issued, account } };
      });
      if (outcome.kind === 'rejected') throw new UnauthenticatedError(outcome.reason);
      return outcome.result;
    },

    async revokeRefreshToken(token) {
      await writes.transaction(async (repos) => {
        const stored = await repos.refreshTokens.findByHashForUpdate(hashRefreshToken(token));
        if (stored) await repos.refreshTokens.revokeFamily(stored.familyId, clock.now());
      });
    },

    async revokeRefreshTokens(accountId) {
      await writes.transaction((repos) => repos.refreshTokens.revokeAllForAccount(accountId, clock.now()));
    },
  };
}
