import type { Actor } from '../actor.ts';
import { canReadEverything, requireRole } from '../access.ts';
import type { Clock } from '../clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { toPage, toPageQuery } from '../pagination.ts';
import type { Page, PageRequest } from '../pagination.ts';
import type { ReadRunner, WriteRunner } from '../repositories.ts';
import { ACCOUNT_STATUSES } from './accounts.types.ts';
import type { AccountStatus, Dealer, DealerFilter } from './accounts.types.ts';

export type DealerManagement = {
  getDealer(actor: Actor, dealerId: number): Promise<Dealer>;
  listDealers(actor: Actor, filter?: DealerFilter, page?: PageRequest): Promise<Page<Dealer>>;
  approveDealer(actor: Actor, dealerId: number): Promise<Dealer>;
  /** Suspends the dealer and revokes their refresh tokens so the suspension bites at the next refresh. */
  suspendDealer(actor: Actor, dealerId: number): Promise<Dealer>;
};

type Deps = { reads: ReadRunner; writes: WriteRunner; clock: Clock };

export function createDealerManagement(deps: Deps): DealerManagement {
  const { reads, writes, clock } = deps;

  async function changeStatus(actor: Actor, dealerId: number, to: AccountStatus, allowedFrom: AccountStatus[]) {
    requireRole(actor, 'admin');
    return writes.transaction(async (repos) => {
      const dealer = await repos.accounts.findDealer(dealerId);
      if (!dealer) throw new NotFoundError('dealer', dealerId);
      if (!allowedFrom.includes(dealer.status)) {
        throw new ConflictError(`a ${dealer.status} dealer cannot become ${to}`, 'invalid_dealer_status');
      }
      const now = clock.now();
      await repos.accounts.updateStatus(dealerId, to, now);
      await repos.accounts.recordDealerReview(dealerId, actor.accountId, now);
      if (to === 'suspended') await repos.refreshTokens.revokeAllForAccount(dealerId, now);
      const updated = await repos.accounts.findDealer(dealerId);
      if (!updated) throw new NotFoundError('dealer', dealerId);
      return updated;
    });
  }

  return {
    async getDealer(actor, dealerId) {
      if (actor.accountId !== dealerId && !canReadEverything(actor)) throw new NotFoundError('dealer', dealerId);
      const dealer = await reads.run((repos) => repos.accounts.findDealer(dealerId));
      if (!dealer) throw new NotFoundError('dealer', dealerId);
      return dealer;
    },

    async listDealers(actor, filter = {}, page) {
      requireRole(actor, 'admin', 'analyst');
      if (filter.status !== undefined && !ACCOUNT_STATUSES.includes(filter.status)) {
        throw ValidationError.single('status', `must be one of ${ACCOUNT_STATUSES.join(', ')}`);
      }
      const query = toPageQuery(page);
      const rows = await reads.run((repos) => repos.accounts.listDealers(filter, query));
      return toPage(rows, query, (dealer) => dealer);
    },

    approveDealer: (actor, dealerId) => changeStatus(actor, dealerId, 'active', ['pending_review', 'suspended']),

    suspendDealer: (actor, dealerId) => changeStatus(actor, dealerId, 'suspended', ['pending_review', 'active']),
  };
}
