import { createQuoteRequests } from './quote-requests/quote-requests.service.ts';
import type { MarketplaceDeps, QuoteRequestsService } from './quote-requests/quote-requests.service.ts';
import { createQuotes } from './quotes/quotes.service.ts';
import type { QuotesService } from './quotes/quotes.service.ts';

export type Marketplace = QuoteRequestsService & QuotesService;

/** Quote requests and the quotes on them, over one set of ports. */
export function createMarketplace(deps: MarketplaceDeps): Marketplace {
  return { ...createQuoteRequests(deps), ...createQuotes(deps) };
}
