import type { Actor } from '../actor.ts';
import type { Dealer } from '../accounts/accounts.types.ts';
import type { QuoteRequest, QuoteRequestStatus } from './quote-requests.types.ts';

/** An open request past its expiry is expired everywhere, whether or not the sweep has run. */
export function effectiveRequestStatus(request: Pick<QuoteRequest, 'status' | 'expiresAt'>, now: Date): QuoteRequestStatus {
  if (request.status === 'open' && request.expiresAt.getTime() <= now.getTime()) return 'expired';
  return request.status;
}

export function withEffectiveStatus<R extends Pick<QuoteRequest, 'status' | 'expiresAt'>>(request: R, now: Date): R {
  return { ...request, status: effectiveRequestStatus(request, now) };
}

export function isOpen(request: Pick<QuoteRequest, 'status' | 'expiresAt'>, now: Date): boolean {
  return effectiveRequestStatus(request, now) === 'open';
}

/**
 * Who may see one request. Customers: their own. Active dealers: open requests in a region
 * they serve, plus any they quoted on. Analysts and admins: all. `dealer` must be the
 * already-verified active dealer when the actor is a dealer.
 */
export function canSeeRequest(
  actor: Actor,
  request: QuoteRequest,
  now: Date,
  dealer: { profile: Dealer; hasQuoted: boolean } | undefined,
): boolean {
  switch (actor.role) {
    case 'analyst':
    case 'admin':
      return true;
    case 'customer':
      return request.customerId === actor.accountId;
    case 'dealer':
      if (!dealer) return false;
      return dealer.hasQuoted || (dealer.profile.regions.includes(request.region) && isOpen(request, now));
  }
}
