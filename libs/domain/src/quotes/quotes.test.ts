import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { createScenario } from '../testing/scenario.ts';
import type { Scenario } from '../testing/scenario.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

async function openRequest(s: Scenario) {
  const customer = await s.addCustomer();
  const request = await s.marketplace.createQuoteRequest(customer, s.requestInput({ optionCodes: [] }));
  return { customer, request };
}

async function validationFields(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field);
}

describe('submitQuote', () => {
  it('computes the discount against the request list price and records revision 1', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw, { priceKrw: 28_500_000 }));

    expect(quote).toMatchObject({ status: 'active', revision: 1, priceKrw: 28_500_000, discountKrw: 1_500_000, dealerId: dealer.accountId });
    expect(quote.dealershipName).toContain('Motors');
    await expect(s.marketplace.listQuoteRevisions(dealer, quote.id)).resolves.toMatchObject([{ revision: 1, priceKrw: 28_500_000 }]);
  });

  it('allows one quote per dealer and request', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw));
    await expect(s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ConflictError);
  });

  it('requires the dealer to serve the request region', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['busan']);
    await expect(s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each(['pending_review', 'suspended'] as const)('refuses %s dealers', async (status) => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul'], status);
    await expect(s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses customers and analysts', async () => {
    const s = createScenario();
    const { customer, request } = await openRequest(s);
    for (const actor of [customer, await s.addStaff('analyst')]) {
      await expect(s.marketplace.submitQuote(actor, request.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it('refuses a request that has expired', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    s.clock.advanceDays(15);
    await expect(s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ConflictError);
  });

  it('validates price and valid-until', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const list = request.listPriceKrw;
    const now = s.clock.now().getTime();
    const submit = (overrides: Parameters<Scenario['quoteInput']>[1]) =>
      s.marketplace.submitQuote(dealer, request.id, s.quoteInput(list, overrides));

    expect(await validationFields(submit({ priceKrw: list + 1 }))).toEqual(['priceKrw']);
    expect(await validationFields(submit({ priceKrw: Math.floor(list * 0.4) }))).toEqual(['priceKrw']);
    expect(await validationFields(submit({ priceKrw: 25_000_000.5 }))).toEqual(['priceKrw']);
    expect(await validationFields(submit({ validUntil: new Date(now) }))).toEqual(['validUntil']);
    expect(await validationFields(submit({ validUntil: new Date(now + 31 * DAY_MS) }))).toEqual(['validUntil']);
    expect(await validationFields(submit({ conditions: 'x'.repeat(2001) }))).toEqual(['conditions']);
    await expect(submit({ priceKrw: list, validUntil: new Date(now + 30 * DAY_MS) })).resolves.toMatchObject({ discountKrw: 0 });
  });
});

describe('reviseQuote and withdrawQuote', () => {
  it('revising bumps the revision and keeps every version', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw, { priceKrw: 29_000_000 }));
    s.clock.advanceMs(1000);
    const revised = await s.marketplace.reviseQuote(dealer, quote.id, s.quoteInput(request.listPriceKrw, { priceKrw: 28_000_000 }));

    expect(revised).toMatchObject({ revision: 2, priceKrw: 28_000_000, discountKrw: 2_000_000 });
    const history = await s.marketplace.listQuoteRevisions(dealer, quote.id);
    expect(history.map((revision) => [revision.revision, revision.priceKrw])).toEqual([[1, 29_000_000], [2, 28_000_000]]);
  });

  it('only the quoting dealer may revise or withdraw', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const rival = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw));
    await expect(s.marketplace.reviseQuote(rival, quote.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.marketplace.withdrawQuote(rival, quote.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a withdrawn quote cannot be revised, withdrawn again or accepted', async () => {
    const s = createScenario();
    const { customer, request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw));
    await expect(s.marketplace.withdrawQuote(dealer, quote.id)).resolves.toMatchObject({ status: 'withdrawn' });

    await expect(s.marketplace.reviseQuote(dealer, quote.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ConflictError);
    await expect(s.marketplace.withdrawQuote(dealer, quote.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(s.marketplace.acceptQuote(customer, request.id, quote.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('nothing changes once the request is closed', async () => {
    const s = createScenario();
    const { customer, request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw));
    await s.marketplace.cancelQuoteRequest(customer, request.id);
    await expect(s.marketplace.reviseQuote(dealer, quote.id, s.quoteInput(request.listPriceKrw))).rejects.toBeInstanceOf(ConflictError);
    await expect(s.marketplace.withdrawQuote(dealer, quote.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('revising can renew a quote whose valid-until passed', async () => {
    const s = createScenario();
    const { request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw, {
      validUntil: new Date(s.clock.now().getTime() + DAY_MS),
    }));
    s.clock.advanceDays(2);
    await expect(s.marketplace.getQuote(dealer, quote.id)).resolves.toMatchObject({ status: 'expired' });
    await expect(s.marketplace.reviseQuote(dealer, quote.id, s.quoteInput(request.listPriceKrw))).resolves.toMatchObject({ status: 'active' });
  });
});

describe('acceptQuote', () => {
  async function twoQuotes(s: Scenario) {
    const { customer, request } = await openRequest(s);
    const first = await s.addDealer(['seoul']);
    const second = await s.addDealer(['seoul']);
    const q1 = await s.marketplace.submitQuote(first, request.id, s.quoteInput(request.listPriceKrw, { priceKrw: 29_000_000 }));
    const q2 = await s.marketplace.submitQuote(second, request.id, s.quoteInput(request.listPriceKrw, { priceKrw: 28_800_000 }));
    return { customer, request, first, second, q1, q2 };
  }

  it('accepts exactly one quote and closes the others', async () => {
    const s = createScenario();
    const { customer, request, second, q1, q2 } = await twoQuotes(s);
    const result = await s.marketplace.acceptQuote(customer, request.id, q2.id);

    expect(result.request).toMatchObject({ status: 'accepted', acceptedQuoteId: q2.id });
    expect(result.quote).toMatchObject({ id: q2.id, status: 'accepted' });
    const statuses = (await s.marketplace.listQuotesForRequest(customer, request.id)).items.map((q) => [q.id, q.status]);
    expect(new Map(statuses as [number, string][])).toEqual(new Map([[q1.id, 'closed'], [q2.id, 'accepted']]));
    await expect(s.marketplace.acceptQuote(customer, request.id, q1.id)).rejects.toBeInstanceOf(ConflictError);
    await expect(s.marketplace.withdrawQuote(second, q2.id)).rejects.toBeInstanceOf(ConflictError);
  });

  // The fake runs transactions one at a time, so this cannot race; the real race (two accepts on
  // the primary, the request's row lock deciding) is the gateway's journey integration test.
  it('a second accept, after the first committed, finds the request closed and changes nothing', async () => {
    const s = createScenario();
    const { customer, request, q1, q2 } = await twoQuotes(s);
    await s.marketplace.acceptQuote(customer, request.id, q1.id);
    await expect(s.marketplace.acceptQuote(customer, request.id, q2.id)).rejects.toMatchObject({ code: 'request_not_open' });
    await expect(s.marketplace.getQuoteRequest(customer, request.id)).resolves.toMatchObject({ status: 'accepted', acceptedQuoteId: q1.id });
    const statuses = (await s.marketplace.listQuotesForRequest(customer, request.id)).items.map((q) => [q.id, q.status]);
    expect(new Map(statuses as [number, string][])).toEqual(new Map([[q1.id, 'accepted'], [q2.id, 'closed']]));
  });

  it('refuses the quote of a dealer suspended after quoting, and leaves the request open', async () => {
    const s = createScenario();
    const { customer, request, first, q1, q2 } = await twoQuotes(s);
    const account = s.store.state.accounts.find((candidate) => candidate.id === first.accountId);
    if (!account) throw new Error('dealer account missing');
    account.status = 'suspended';
    await expect(s.marketplace.acceptQuote(customer, request.id, q1.id)).rejects.toMatchObject({ code: 'dealer_not_active' });
    expect(s.store.state.quoteRequests[0]?.status).toBe('open');
    await expect(s.marketplace.acceptQuote(customer, request.id, q2.id)).resolves.toMatchObject({ quote: { status: 'accepted' } });
  });

  it('refuses a quote past its valid-until', async () => {
    const s = createScenario();
    const { customer, request } = await openRequest(s);
    const dealer = await s.addDealer(['seoul']);
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw, {
      validUntil: new Date(s.clock.now().getTime() + DAY_MS),
    }));
    s.clock.advanceDays(1);
    await expect(s.marketplace.acceptQuote(customer, request.id, quote.id)).rejects.toBeInstanceOf(ConflictError);
    expect(s.store.state.quoteRequests[0]?.status).toBe('open');
  });

  it('refuses when the request has expired', async () => {
    const s = createScenario();
    const { customer, request, q1 } = await twoQuotes(s);
    s.clock.advanceDays(14);
    await expect(s.marketplace.acceptQuote(customer, request.id, q1.id)).rejects.toBeInstanceOf(ConflictError);
  });

  it('only the owning customer may accept, and only a quote on that request', async () => {
    const s = createScenario();
    const { customer, request, first, q1 } = await twoQuotes(s);
    const stranger = await s.addCustomer();
    const other = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const otherQuote = await s.marketplace.submitQuote(first, other.id, s.quoteInput(other.listPriceKrw));

    await expect(s.marketplace.acceptQuote(stranger, request.id, q1.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.marketplace.acceptQuote(await s.addStaff('admin'), request.id, q1.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.marketplace.acceptQuote(customer, request.id, otherQuote.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('quote visibility', () => {
  it('dealers see only their own quotes; the customer and staff see all on the request', async () => {
    const s = createScenario();
    const { customer, request } = await openRequest(s);
    const first = await s.addDealer(['seoul']);
    const second = await s.addDealer(['seoul']);
    const q1 = await s.marketplace.submitQuote(first, request.id, s.quoteInput(request.listPriceKrw));
    const q2 = await s.marketplace.submitQuote(second, request.id, s.quoteInput(request.listPriceKrw));

    expect((await s.marketplace.listQuotesForRequest(first, request.id)).items.map((q) => q.id)).toEqual([q1.id]);
    await expect(s.marketplace.getQuote(first, q2.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.marketplace.listMyQuotes(second)).items.map((q) => q.id)).toEqual([q2.id]);
    for (const reader of [customer, await s.addStaff('analyst'), await s.addStaff('admin')]) {
      expect((await s.marketplace.listQuotesForRequest(reader, request.id)).items).toHaveLength(2);
    }
    const stranger = await s.addCustomer();
    await expect(s.marketplace.listQuotesForRequest(stranger, request.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.marketplace.getQuote(stranger, q1.id)).rejects.toBeInstanceOf(NotFoundError);
    // A dealer outside the request's regions cannot learn that it exists by listing its quotes.
    const elsewhere = await s.addDealer(['busan']);
    await expect(s.marketplace.listQuotesForRequest(elsewhere, request.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('listMyQuotes filters by effective status', async () => {
    const s = createScenario();
    const dealer = await s.addDealer(['seoul']);
    const a = await openRequest(s);
    const b = await openRequest(s);
    await s.marketplace.submitQuote(dealer, a.request.id, s.quoteInput(a.request.listPriceKrw, { validUntil: new Date(s.clock.now().getTime() + DAY_MS) }));
    const lasting = await s.marketplace.submitQuote(dealer, b.request.id, s.quoteInput(b.request.listPriceKrw));
    s.clock.advanceDays(2);
    expect((await s.marketplace.listMyQuotes(dealer, { status: 'active' })).items.map((q) => q.id)).toEqual([lasting.id]);
    expect((await s.marketplace.listMyQuotes(dealer, { status: 'expired' })).items).toHaveLength(1);
    await expect(s.marketplace.listMyQuotes(await s.addCustomer())).rejects.toBeInstanceOf(ForbiddenError);
  });
});
