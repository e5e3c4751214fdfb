import type { Role } from '../actor.ts';
import type { RegionCode } from '../regions.ts';

export type { Role };

export const ACCOUNT_STATUSES = ['active', 'pending_review', 'suspended'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An account as callers see it; never carries the password hash. */
export type Account = {
  id: number;
  email: string;
  role: Role;
  status: AccountStatus;
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
};

export type AccountWithPasswordHash = Account & { passwordHash: string };

export type Dealer = Account & {
  dealershipName: string;
  regions: RegionCode[];
  reviewedBy: number | null;
  reviewedAt: Date | null;
};

export type NewAccount = {
  email: string;
  passwordHash: string;
  role: Role;
  status: AccountStatus;
  displayName: string;
  createdAt: Date;
};

export type SignUpCustomerInput = { email: string; password: string; displayName: string };

export type SignUpDealerInput = SignUpCustomerInput & { dealershipName: string; regions: string[] };

export type CreateStaffAccountInput = SignUpCustomerInput & { role: 'analyst' | 'admin' };

export type DealerFilter = { status?: AccountStatus };

export type RefreshTokenRecord = {
  id: number;
  accountId: number;
  familyId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
};

/** What the gateway hands back to the client; `token` is shown once and stored only hashed. */
export type IssuedRefreshToken = { token: string; expiresAt: Date };

export type RotatedRefreshToken = IssuedRefreshToken & { account: Account };
