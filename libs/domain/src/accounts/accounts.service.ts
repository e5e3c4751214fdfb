import type { Actor } from '../actor.ts';
import { canReadEverything, requireRole } from '../access.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, ForbiddenError, IssueCollector, NotFoundError, UnauthenticatedError } from '../errors.ts';
import type { ReadRunner, Repositories, WriteRunner } from '../repositories.ts';
import {
  checkDealershipName,
  checkEmail,
  checkName,
  checkPassword,
  checkRegions,
  normalizeEmail,
} from './account-input.ts';
import type {
  Account,
  CreateStaffAccountInput,
  Dealer,
  NewAccount,
  SignUpCustomerInput,
  SignUpDealerInput,
} from './accounts.types.ts';
import { createDealerManagement } from './dealers.service.ts';
import type { DealerManagement } from './dealers.service.ts';
import { hashPassword, verifyAgainstDummyHash, verifyPassword } from './passwords.ts';
import type { ScryptParams } from './passwords.ts';
import { createRefreshTokens } from './refresh-tokens.service.ts';
import type { RefreshTokenService } from './refresh-tokens.service.ts';

/** A validated account with its password hashed, not yet stamped or stored. */
type PreparedAccount = Omit<NewAccount, 'createdAt'>;

export type AccountsSettings = {
  refreshTokenTtlDays: number;
  /** Lower scrypt cost in tests only; production uses the default. */
  scryptParams?: ScryptParams;
};

export type AccountsDeps = {
  reads: ReadRunner;
  writes: WriteRunner;
  clock: Clock;
  settings: AccountsSettings;
};

export type AccountsService = DealerManagement &
  RefreshTokenService & {
    signUpCustomer(input: SignUpCustomerInput): Promise<Account>;
    /** Dealers start in `pending_review` and cannot see requests until an admin approves them. */
    signUpDealer(input: SignUpDealerInput): Promise<Dealer>;
    createStaffAccount(actor: Actor, input: CreateStaffAccountInput): Promise<Account>;
    /** Creates the first admin for a fresh database; refuses once any admin exists. */
    bootstrapAdmin(input: SignUpCustomerInput): Promise<Account>;
    /** Returns the account whose id and role go into the access token. */
    authenticate(email: string, password: string): Promise<Account>;
    getAccount(actor: Actor, accountId: number): Promise<Account>;
  };

export function createAccounts(deps: AccountsDeps): AccountsService {
  const { reads, writes, clock, settings } = deps;

  async function prepareAccount(
    input: SignUpCustomerInput,
    role: Account['role'],
    status: Account['status'],
    extraChecks: (issues: IssueCollector) => void = () => {},
  ): Promise<PreparedAccount> {
    const email = normalizeEmail(input.email);
    const displayName = input.displayName.trim();
    const issues = new IssueCollector();
    checkEmail(issues, email);
    checkPassword(issues, input.password);
    checkName(issues, 'displayName', displayName);
    extraChecks(issues);
    issues.throwIfAny();
    const passwordHash = await hashPassword(input.password, settings.scryptParams);
    return { email, passwordHash, displayName, role, status };
  }

  async function insertAndLoad(account: PreparedAccount): Promise<Account> {
    return writes.transaction(async (repos) => {
      const id = await repos.accounts.insertAccount({ ...account, createdAt: clock.now() });
      return loadAccount(repos, id);
    });
  }

  return {
    ...createDealerManagement(deps),
    ...createRefreshTokens(deps),

    async signUpCustomer(input) {
      return insertAndLoad(await prepareAccount(input, 'customer', 'active'));
    },

    async signUpDealer(input) {
      const dealershipName = input.dealershipName.trim();
      let regions: ReturnType<typeof checkRegions> = [];
      const account = await prepareAccount(input, 'dealer', 'pending_review', (issues) => {
        checkDealershipName(issues, dealershipName);
        regions = checkRegions(issues, input.regions);
      });
      return writes.transaction(async (repos) => {
        const id = await repos.accounts.insertAccount({ ...account, createdAt: clock.now() });
        await repos.accounts.insertDealerProfile(id, dealershipName, regions);
        const dealer = await repos.accounts.findDealer(id);
        if (!dealer) throw new NotFoundError('dealer', id);
        return dealer;
      });
    },

    async createStaffAccount(actor, input) {
      requireRole(actor, 'admin');
      return insertAndLoad(await prepareAccount(input, input.role, 'active'));
    },

    async bootstrapAdmin(input) {
      const account = await prepareAccount(input, 'admin', 'active');
      return writes.transaction(async (repos) => {
        if ((await repos.accounts.countByRole('admin')) > 0) {
          throw new ConflictError('an admin account already exists', 'admin_exists');
        }
        const id = await repos.accounts.insertAccount({ ...account, createdAt: clock.now() });
        return loadAccount(repos, id);
      });
    },

    async authenticate(email, password) {
      const account = await reads.run((repos) => repos.accounts.findByEmailWithPasswordHash(normalizeEmail(email)));
      const verified = account
        ? await verifyPassword(password, account.passwordHash)
        : await verifyAgainstDummyHash(password);
      if (!account || !verified) throw new UnauthenticatedError();
      if (account.status === 'suspended') {
        throw new ForbiddenError('the account is suspended', 'account_suspended');
      }
      const { passwordHash: _omitted, ...visible } = account;
      return visible;
    },

    async getAccount(actor, accountId) {
      if (actor.accountId !== accountId && !canReadEverything(actor)) {
        throw new NotFoundError('account', accountId);
      }
      const account = await reads.run((repos) => repos.accounts.findById(accountId));
      if (!account) throw new NotFoundError('account', accountId);
      return account;
    },
  };
}

async function loadAccount(repos: Repositories, id: number): Promise<Account> {
  const account = await repos.accounts.findById(id);
  if (!account) throw new NotFoundError('account', id);
  return account;
}
