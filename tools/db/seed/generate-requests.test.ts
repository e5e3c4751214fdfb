import { describe, expect, it } from 'vitest';
import { generateAccounts } from './generate-accounts.ts';
import { DEFAULT_REQUEST_TTL_DAYS } from '@chucar/domain';
import { DISCOUNT_BAND, MAX_QUOTES_PER_REQUEST, createRequestGenerator, discountKrw } from './generate-requests.ts';
import { DAY_MS } from './timeline.ts';
import { FIXED_NOW, demoCatalogTrims } from './test-fixtures.ts';
import type { RequestBatch } from './seed-rows.ts';

const nowMs = FIXED_NOW.getTime();
const catalog = demoCatalogTrims();
const accounts = generateAccounts({ seed: 5, customers: 3_000, dealers: 300, nowMs, firstId: 1, passwordHash: 'h' });
const REQUESTS = 6_000;

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function generate(seed: number, requests = REQUESTS): RequestBatch {
  const generator = createRequestGenerator({ seed, requests, nowMs, firstRequestId: 1, catalog, customers: accounts.customers, dealers: accounts.dealers });
  return generator(0, requests, 1, 1);
}

describe('createRequestGenerator', () => {
  const batch = generate(5);
  const quotesByRequest = groupBy(batch.quotes, (quote) => quote.request_id);
  const dealers = new Map(accounts.dealers.map((dealer) => [dealer.id, dealer]));

  it('is deterministic, and independent of how the run is cut into batches', () => {
    expect(generate(5)).toEqual(batch);
    expect(generate(6).requests.map((request) => request.trim_id)).not.toEqual(batch.requests.map((request) => request.trim_id));

    const generator = createRequestGenerator({ seed: 5, requests: REQUESTS, nowMs, firstRequestId: 1, catalog, customers: accounts.customers, dealers: accounts.dealers });
    const first = generator(0, 2_500, 1, 1);
    const second = generator(2_500, REQUESTS - 2_500, first.nextQuoteId, first.nextRevisionId);
    expect([...first.requests, ...second.requests]).toEqual(batch.requests);
    expect([...first.quotes, ...second.quotes]).toEqual(batch.quotes);
    expect([...first.revisions, ...second.revisions]).toEqual(batch.revisions);
  });

  it('numbers requests in created_at order over the last year', () => {
    batch.requests.forEach((request, index) => {
      expect(request.id).toBe(index + 1);
      if (index > 0) expect(request.created_at.getTime()).toBeGreaterThanOrEqual(batch.requests[index - 1]!.created_at.getTime());
    });
    expect(batch.requests[0]!.created_at.getTime()).toBeGreaterThanOrEqual(nowMs - 365 * DAY_MS);
    expect(batch.requests.at(-1)!.created_at.getTime()).toBeLessThan(nowMs);
  });

  it('keeps request statuses consistent with their quotes and the clock', () => {
    for (const request of batch.requests) {
      const quotes = quotesByRequest.get(request.id) ?? [];
      const created = request.created_at.getTime();
      expect(request.expires_at.getTime()).toBe(created + DEFAULT_REQUEST_TTL_DAYS * DAY_MS);
      expect(quotes.length).toBeLessThanOrEqual(MAX_QUOTES_PER_REQUEST);
      const accepted = quotes.filter((quote) => quote.status === 'accepted');
      switch (request.status) {
        case 'accepted':
          expect(accepted).toHaveLength(1);
          expect(request.accepted_quote_id).toBe(accepted[0]!.id);
          expect(accepted[0]!.valid_until.getTime()).toBeGreaterThan(request.closed_at!.getTime());
          expect(request.closed_at!.getTime()).toBeLessThan(request.expires_at.getTime());
          break;
        case 'cancelled':
          expect(request.closed_at!.getTime()).toBeLessThan(request.expires_at.getTime());
          break;
        case 'expired':
          expect(request.expires_at.getTime()).toBeLessThanOrEqual(nowMs);
          expect(request.closed_at!.getTime()).toBeGreaterThanOrEqual(request.expires_at.getTime());
          break;
        case 'open':
          expect(request.expires_at.getTime()).toBeGreaterThan(nowMs);
          expect(request.closed_at).toBeNull();
          break;
      }
      if (request.status !== 'accepted') {
        expect(accepted).toHaveLength(0);
        expect(request.accepted_quote_id).toBeNull();
      }
      if (request.status !== 'open') {
        expect(request.closed_at!.getTime()).toBeLessThanOrEqual(nowMs);
        expect(request.updated_at).toEqual(request.closed_at);
        expect(quotes.filter((quote) => quote.status === 'active')).toHaveLength(0);
      } else {
        expect(quotes.every((quote) => quote.status === 'active' || quote.status === 'withdrawn')).toBe(true);
      }
      const closesAt = Math.min(request.closed_at?.getTime() ?? Number.POSITIVE_INFINITY, request.expires_at.getTime(), nowMs);
      for (const quote of quotes) {
        expect(quote.created_at.getTime()).toBeGreaterThan(created);
        expect(quote.created_at.getTime()).toBeLessThan(closesAt);
        expect(quote.updated_at.getTime()).toBeGreaterThanOrEqual(quote.created_at.getTime());
      }
    }
  });

  it('takes quotes only from distinct active dealers serving the region, approved before the request', () => {
    for (const request of batch.requests) {
      const quotes = quotesByRequest.get(request.id) ?? [];
      expect(new Set(quotes.map((quote) => quote.dealer_id)).size).toBe(quotes.length);
      for (const quote of quotes) {
        const dealer = dealers.get(quote.dealer_id);
        expect(dealer?.status).toBe('active');
        expect(dealer?.regions).toContain(request.region);
        expect(dealer!.activeSinceMs!).toBeLessThanOrEqual(request.created_at.getTime());
      }
    }
  });

  it('prices every quote and revision 1-12 % below the list price, valid into the future for at most 90 days', () => {
    const requests = new Map(batch.requests.map((request) => [request.id, request]));
    const quotes = new Map(batch.quotes.map((quote) => [quote.id, quote]));
    for (const quote of batch.quotes) {
      const list = requests.get(quote.request_id)!.list_price_krw;
      expect(quote.price_krw + quote.discount_krw).toBe(list);
      expect(quote.discount_krw).toBeGreaterThanOrEqual(list * DISCOUNT_BAND.min);
      expect(quote.discount_krw).toBeLessThanOrEqual(list * DISCOUNT_BAND.max);
    }
    const revisionsByQuote = groupBy(batch.revisions, (revision) => revision.quote_id);
    for (const [quoteId, revisions] of revisionsByQuote) {
      const quote = quotes.get(quoteId)!;
      expect(revisions.map((revision) => revision.revision)).toEqual(Array.from({ length: quote.revision }, (_, index) => index + 1));
      expect(revisions.at(-1)).toMatchObject({ price_krw: quote.price_krw, valid_until: quote.valid_until, conditions: quote.conditions });
      for (const revision of revisions) {
        expect(revision.valid_until.getTime()).toBeGreaterThan(revision.created_at.getTime());
        expect(revision.valid_until.getTime()).toBeLessThanOrEqual(revision.created_at.getTime() + 90 * DAY_MS);
      }
    }
    expect(revisionsByQuote.size).toBe(batch.quotes.length);
  });

  it('copies options of the chosen trim and sums them into the list price', () => {
    const trims = new Map(catalog.map((trim) => [trim.trimId, trim]));
    const optionsByRequest = groupBy(batch.options, (option) => option.request_id);
    for (const request of batch.requests) {
      const trim = trims.get(request.trim_id)!;
      expect(request).toMatchObject({ maker_id: trim.makerId, model_id: trim.modelId });
      const options = optionsByRequest.get(request.id) ?? [];
      for (const option of options) expect(trim.options).toContainEqual({ code: option.option_code, name: option.option_name, priceKrw: option.price_krw });
      expect(request.list_price_krw).toBe(trim.listPriceKrw + options.reduce((sum, option) => sum + option.price_krw, 0));
    }
  });

  it('follows the intended mix: popular models, big regions, a realistic outcome and quote count', () => {
    const share = (predicate: (request: (typeof batch.requests)[number]) => boolean) => batch.requests.filter(predicate).length / batch.requests.length;
    const modelCode = new Map(catalog.map((trim) => [trim.modelId, trim.modelCode]));
    const model = (code: string) => share((request) => modelCode.get(request.model_id) === code);
    expect(model('sorento')).toBeGreaterThan(model('avante'));
    expect(model('avante')).toBeGreaterThan(model('eqe') * 5);
    expect(share((request) => request.region === 'gyeonggi' || request.region === 'seoul')).toBeGreaterThan(0.38);
    expect(share((request) => request.region === 'sejong')).toBeLessThan(0.03);

    const closed = batch.requests.filter((request) => request.expires_at.getTime() <= nowMs);
    const closedShare = (status: string) => closed.filter((request) => request.status === status).length / closed.length;
    expect(closedShare('accepted')).toBeGreaterThan(0.2);
    expect(closedShare('accepted')).toBeLessThan(0.45);
    expect(closedShare('cancelled')).toBeGreaterThan(0.03);
    expect(closedShare('cancelled')).toBeLessThan(0.12);
    expect(closedShare('expired')).toBeGreaterThan(0.4);
    expect(share((request) => request.status === 'open')).toBeGreaterThan(0);

    const quotesPerRequest = batch.quotes.length / batch.requests.length;
    expect(quotesPerRequest).toBeGreaterThan(2);
    expect(quotesPerRequest).toBeLessThan(4);
    expect(share((request) => request.note !== null)).toBeGreaterThan(0.25);
    expect(share((request) => request.note !== null)).toBeLessThan(0.35);
    expect(share((request) => request.customer_id === accounts.customers.ids[0])).toBeGreaterThan(0);

    // Seasonal bump: December (year-end deals) beats August (holidays), a year of growth aside.
    const month = (index: number) => share((request) => new Date(request.created_at.getTime() + 9 * 3_600_000).getUTCMonth() === index);
    expect(month(11)).toBeGreaterThan(month(7));
    // Responses range from minutes to days.
    const requests = new Map(batch.requests.map((request) => [request.id, request]));
    const responseHours = batch.quotes.map((quote) => (quote.created_at.getTime() - requests.get(quote.request_id)!.created_at.getTime()) / 3_600_000);
    expect(Math.min(...responseHours)).toBeLessThan(0.25);
    expect(Math.max(...responseHours)).toBeGreaterThan(72);
  });
});

describe('discountKrw', () => {
  it('rounds to 10,000 KRW and stays inside the band', () => {
    expect(discountKrw(30_000_000, 0.05)).toBe(1_500_000);
    expect(discountKrw(30_000_000, 0.001)).toBe(300_000);
    expect(discountKrw(30_000_000, 0.5)).toBe(3_600_000);
    expect(discountKrw(14_150_000, 0.01) % 10_000).toBe(0);
  });
});
