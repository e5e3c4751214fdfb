import { addDays } from '../clock.ts';
import { IssueCollector } from '../errors.ts';
import { CONDITIONS_MAX_LENGTH } from './quotes.types.ts';
import type { Quote, QuoteStatus, QuoteTerms } from './quotes.types.ts';

/** A quote below half the list price is almost certainly a typo (a missing zero), not a deal. */
export const MIN_PRICE_RATIO = 0.5;

export function effectiveQuoteStatus(quote: Pick<Quote, 'status' | 'validUntil'>, now: Date): QuoteStatus {
  if (quote.status === 'active' && quote.validUntil.getTime() <= now.getTime()) return 'expired';
  return quote.status;
}

export function withEffectiveQuoteStatus(quote: Quote, now: Date): Quote {
  return { ...quote, status: effectiveQuoteStatus(quote, now) };
}

/**
 * Checks a dealer's terms against the request's list price and returns them normalized
 * with the discount. Throws ValidationError naming the offending input fields.
 */
export function checkQuoteTerms(
  terms: QuoteTerms,
  listPriceKrw: number,
  now: Date,
  maxQuoteValidityDays: number,
): QuoteTerms & { discountKrw: number } {
  const issues = new IssueCollector();
  const { priceKrw, validUntil } = terms;
  if (!Number.isSafeInteger(priceKrw) || priceKrw <= 0) {
    issues.add('priceKrw', 'must be a positive whole number of won');
  } else if (priceKrw > listPriceKrw) {
    issues.add('priceKrw', `must not exceed the list price of ${listPriceKrw} KRW`);
  } else if (priceKrw < Math.ceil(listPriceKrw * MIN_PRICE_RATIO)) {
    issues.add('priceKrw', `must be at least ${MIN_PRICE_RATIO * 100}% of the list price`);
  }

  const conditions = terms.conditions.trim();
  issues.check(conditions.length <= CONDITIONS_MAX_LENGTH, 'conditions', `must be at most ${CONDITIONS_MAX_LENGTH} characters`);

  if (Number.isNaN(validUntil.getTime()) || validUntil.getTime() <= now.getTime()) {
    issues.add('validUntil', 'must be in the future');
  } else if (validUntil.getTime() > addDays(now, maxQuoteValidityDays).getTime()) {
    issues.add('validUntil', `must be within ${maxQuoteValidityDays} days`);
  }
  issues.throwIfAny();
  return { priceKrw, conditions, validUntil, discountKrw: listPriceKrw - priceKrw };
}
