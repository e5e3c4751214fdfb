import type { Actor } from '../actor.ts';
import type { Dealer } from '../accounts/accounts.types.ts';
import { canSeeRequest } from '../quote-requests/quote-request-rules.ts';
import type { QuoteRequest } from '../quote-requests/quote-requests.types.ts';
import type { Media } from './media.types.ts';

/** What deciding a dealer's view needs: the requests showing the media, and the dealer's standing. */
export type MediaViewContext = {
  now: Date;
  /** The quote requests the media is attached to (loaded for dealers only). */
  attachedRequests: readonly QuoteRequest[];
  /** The calling dealer, already verified active, and which of those requests they quoted on. */
  dealer?: { profile: Dealer; quotedRequestIds: ReadonlySet<number> };
};

const isOwner = (actor: Actor, media: Media): boolean => media.ownerId === actor.accountId;

/** A deleted media is gone for everyone: its id answers 404 like an unknown one. */
const isVisibleAtAll = (media: Media): boolean => media.status !== 'deleted';

/** The original (full resolution, with whatever metadata the camera wrote): its owner and admins only. */
export function canSeeOriginal(actor: Actor, media: Media): boolean {
  return isVisibleAtAll(media) && (isOwner(actor, media) || actor.role === 'admin');
}

/**
 * The previews (metadata stripped): the owner, admins, analysts, and a dealer who may see at least
 * one quote request the media is attached to.
 */
export function canSeeVariants(actor: Actor, media: Media, context: MediaViewContext): boolean {
  if (!isVisibleAtAll(media)) return false;
  if (isOwner(actor, media) || actor.role === 'admin' || actor.role === 'analyst') return true;
  if (actor.role !== 'dealer' || !context.dealer) return false;
  const { profile, quotedRequestIds } = context.dealer;
  return context.attachedRequests.some((request) =>
    canSeeRequest(actor, request, context.now, { profile, hasQuoted: quotedRequestIds.has(request.id) }),
  );
}

/** Only the owner attaches, and only media that is, or will be, stored. */
export function canAttach(actor: Actor, media: Media): boolean {
  return isOwner(actor, media) && media.status !== 'deleted' && media.status !== 'failed';
}

/** The owner, while no quote request shows it: dealers may be looking at it. */
export function canDelete(actor: Actor, media: Media, attached: boolean): boolean {
  return isOwner(actor, media) && isVisibleAtAll(media) && !attached;
}
