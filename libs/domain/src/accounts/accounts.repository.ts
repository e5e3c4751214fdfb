import type { PageQuery } from '../pagination.ts';
import type { RegionCode } from '../regions.ts';
import type {
  Account,
  AccountStatus,
  AccountWithPasswordHash,
  Dealer,
  DealerFilter,
  NewAccount,
  RefreshTokenRecord,
  Role,
} from './accounts.types.ts';

export interface AccountsRepository {
  /** Throws ConflictError (code `email_taken`) when the normalized email already exists. */
  insertAccount(account: NewAccount): Promise<number>;
  insertDealerProfile(dealerId: number, dealershipName: string, regions: RegionCode[]): Promise<void>;
  findById(id: number): Promise<Account | undefined>;
  findByEmailWithPasswordHash(email: string): Promise<AccountWithPasswordHash | undefined>;
  findDealer(id: number): Promise<Dealer | undefined>;
  /** Newest first; returns up to `limit + 1` rows so the caller can tell if more exist. */
  listDealers(filter: DealerFilter, page: PageQuery): Promise<Dealer[]>;
  countByRole(role: Role): Promise<number>;
  updateStatus(id: number, status: AccountStatus, now: Date): Promise<void>;
  recordDealerReview(dealerId: number, reviewerId: number, now: Date): Promise<void>;
}

export interface RefreshTokensRepository {
  insert(token: Omit<RefreshTokenRecord, 'id'>): Promise<number>;
  /** Locks the row (SELECT … FOR UPDATE) so two concurrent rotations of one token serialize. */
  findByHashForUpdate(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  markRotated(id: number, now: Date): Promise<void>;
  revokeFamily(familyId: string, now: Date): Promise<void>;
  revokeAllForAccount(accountId: number, now: Date): Promise<void>;
}
