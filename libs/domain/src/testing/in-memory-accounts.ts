import type { AccountsRepository, RefreshTokensRepository } from '../accounts/accounts.repository.ts';
import type { Account, Dealer } from '../accounts/accounts.types.ts';
import { ConflictError } from '../errors.ts';
import { collate, copy, page } from './in-memory-rows.ts';
import { nextId } from './in-memory-store.ts';
import type { InMemoryStore } from './in-memory-store.ts';

export function inMemoryAccountsRepository(store: InMemoryStore): AccountsRepository {
  const visible = (id: number): Account | undefined => {
    const stored = store.state.accounts.find((account) => account.id === id);
    if (!stored) return undefined;
    const { passwordHash: _omitted, ...account } = stored;
    return copy(account);
  };
  const dealer = (id: number): Dealer | undefined => {
    const account = visible(id);
    const profile = store.state.dealerProfiles.find((candidate) => candidate.accountId === id);
    if (!account || account.role !== 'dealer' || !profile) return undefined;
    const { accountId: _id, ...fields } = copy(profile);
    return { ...account, ...fields, regions: [...fields.regions].sort() };
  };

  return {
    async insertAccount(account) {
      if (store.state.accounts.some((existing) => collate(existing.email, account.email) === 0)) {
        throw new ConflictError('an account with this email already exists', 'email_taken');
      }
      const id = nextId(store);
      const { createdAt, ...fields } = account;
      store.state.accounts.push({ ...copy(fields), id, createdAt, updatedAt: createdAt });
      return id;
    },
    async insertDealerProfile(dealerId, dealershipName, regions) {
      store.state.dealerProfiles.push({ accountId: dealerId, dealershipName, regions: [...regions], reviewedBy: null, reviewedAt: null });
    },
    findById: async (id) => visible(id),
    async findByEmailWithPasswordHash(email) {
      const account = store.state.accounts.find((candidate) => collate(candidate.email, email) === 0);
      return account && copy(account);
    },
    findDealer: async (id) => dealer(id),
    async listDealers(filter, query) {
      const dealers = store.state.dealerProfiles
        .map((profile) => dealer(profile.accountId))
        .filter((candidate): candidate is Dealer => candidate !== undefined)
        .filter((candidate) => filter.status === undefined || candidate.status === filter.status);
      return page(dealers, query);
    },
    countByRole: async (role) => store.state.accounts.filter((account) => account.role === role).length,
    async updateStatus(id, status, now) {
      const account = store.state.accounts.find((candidate) => candidate.id === id);
      if (account) Object.assign(account, { status, updatedAt: now });
    },
    async recordDealerReview(dealerId, reviewerId, now) {
      const profile = store.state.dealerProfiles.find((candidate) => candidate.accountId === dealerId);
      if (profile) Object.assign(profile, { reviewedBy: reviewerId, reviewedAt: now });
    },
  };
}

export function inMemoryRefreshTokensRepository(store: InMemoryStore): RefreshTokensRepository {
  const revokeWhere = (matches: (token: { accountId: number; familyId: string }) => boolean, now: Date) => {
    for (const token of store.state.refreshTokens) if (matches(token) && !token.revokedAt) token.revokedAt = now;
  };
  return {
    async insert(token) {
      if (store.state.refreshTokens.some((existing) => existing.tokenHash === token.tokenHash)) {
        throw new Error('duplicate refresh token hash');
      }
      const id = nextId(store);
      store.state.refreshTokens.push({ ...copy(token), id });
      return id;
    },
    async findByHashForUpdate(tokenHash) {
      const token = store.state.refreshTokens.find((candidate) => candidate.tokenHash === tokenHash);
      return token && copy(token);
    },
    async markRotated(id, now) {
      const token = store.state.refreshTokens.find((candidate) => candidate.id === id);
      if (token) token.rotatedAt = now;
    },
    revokeFamily: async (familyId, now) => revokeWhere((token) => token.familyId === familyId, now),
    revokeAllForAccount: async (accountId, now) => revokeWhere((token) => token.accountId === accountId, now),
  };
}
