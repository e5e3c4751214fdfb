import type { Actor, Role } from './actor.ts';
import type { Dealer } from './accounts/accounts.types.ts';
import type { AccountsRepository } from './accounts/accounts.repository.ts';
import { ForbiddenError } from './errors.ts';

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.includes(actor.role)) {
    throw new ForbiddenError(`this action requires the role ${roles.join(' or ')}`);
  }
}

/** Loads the calling dealer and insists they were approved; pending or suspended dealers see nothing. */
export async function requireActiveDealer(actor: Actor, accounts: AccountsRepository): Promise<Dealer> {
  requireRole(actor, 'dealer');
  const dealer = await accounts.findDealer(actor.accountId);
  if (!dealer || dealer.status !== 'active') {
    throw new ForbiddenError('the dealer account is not active', 'dealer_not_active');
  }
  return dealer;
}

export function canReadEverything(actor: Actor): boolean {
  return actor.role === 'analyst' || actor.role === 'admin';
}
