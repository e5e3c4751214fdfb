import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors.ts';
import type { QuoteFilter, QuoteRevision } from '../../quotes/quotes.types.ts';
import { testCatalog } from '../catalog-fixture.ts';
import { T0, arrange, daysAfterT0, firstPage, idsAcrossPages, idsOf, minutesAfterT0 } from './world.ts';
import type { OpenRepositories } from './world.ts';

export function quotesCases(open: OpenRepositories): void {
  describe('quotes', () => {
    async function withRequest() {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      const customer = await world.customer();
      return { repos, world, customer, requestId: await world.request(customer) };
    }

    it('stores a quote active at revision 1 with its dealership’s name; unknown ones are undefined', async () => {
      const { repos, world, requestId } = await withRequest();
      const dealer = await world.dealer(['seoul']);
      const input = { requestId, dealerId: dealer, priceKrw: 28_500_000, discountKrw: 1_500_000, conditions: '블랙박스 포함', validUntil: daysAfterT0(7), createdAt: T0 };
      const id = await repos.quotes.insert(input);
      const stored = { ...input, id, dealershipName: `Dealer ${dealer} Motors`, status: 'active', revision: 1, updatedAt: T0 };

      expect(await repos.quotes.findById(id)).toEqual(stored);
      expect(await repos.quotes.findByIdForUpdate(id)).toEqual(stored);
      expect(await repos.quotes.findByRequestAndDealer(requestId, dealer)).toEqual(stored);
      expect(await repos.quotes.findById(999_999)).toBeUndefined();
      expect(await repos.quotes.findByIdForUpdate(999_999)).toBeUndefined();
      expect(await repos.quotes.findByRequestAndDealer(requestId, await world.dealer(['seoul']))).toBeUndefined();
    });

    it('refuses a second quote by one dealer on one request as quote_exists, but not on another request', async () => {
      const { repos, world, customer, requestId } = await withRequest();
      const dealer = await world.dealer(['seoul']);
      await world.quote(requestId, dealer);
      const second = world.quote(requestId, dealer, { priceKrw: 28_000_000 });
      await expect(second).rejects.toBeInstanceOf(ConflictError);
      await expect(second).rejects.toMatchObject({ code: 'quote_exists' });
      expect(await repos.quotes.listForRequest(requestId, dealer, firstPage())).toMatchObject([{ priceKrw: 29_000_000 }]);
      await expect(world.quote(await world.request(customer), dealer)).resolves.toEqual(expect.any(Number));
      await expect(world.quote(requestId, await world.dealer(['seoul']))).resolves.toEqual(expect.any(Number));
    });

    it('lists revisions in revision order and refuses a revision number twice', async () => {
      const { repos, world, requestId } = await withRequest();
      const quoteId = await world.quote(requestId, await world.dealer(['seoul']));
      const revision = (number: number): QuoteRevision => ({
        quoteId,
        revision: number,
        priceKrw: 29_000_000 - number * 100_000,
        discountKrw: 1_000_000 + number * 100_000,
        conditions: `revision ${number}`,
        validUntil: daysAfterT0(7),
        createdAt: minutesAfterT0(number),
      });
      await repos.quotes.insertRevision(revision(2));
      await repos.quotes.insertRevision(revision(1));
      await expect(repos.quotes.insertRevision(revision(2))).rejects.toThrow();
      expect(await repos.quotes.listRevisions(quoteId)).toEqual([revision(1), revision(2)]);
      expect(await repos.quotes.listRevisions(999_999)).toEqual([]);
    });

    it('replaces the terms and sets the status, stamping the time', async () => {
      const { repos, world, requestId } = await withRequest();
      const quoteId = await world.quote(requestId, await world.dealer(['seoul']));
      const terms = { priceKrw: 27_000_000, discountKrw: 3_000_000, conditions: '틴팅 포함', validUntil: daysAfterT0(9), revision: 2 };
      await repos.quotes.updateTerms(quoteId, terms, minutesAfterT0(1));
      expect(await repos.quotes.findById(quoteId)).toMatchObject({ ...terms, status: 'active', createdAt: T0, updatedAt: minutesAfterT0(1) });
      await repos.quotes.setStatus(quoteId, 'withdrawn', minutesAfterT0(2));
      expect(await repos.quotes.findById(quoteId)).toMatchObject({ ...terms, status: 'withdrawn', updatedAt: minutesAfterT0(2) });
    });

    it('lists a request’s quotes newest first with id breaking ties, or one dealer’s, a page at a time', async () => {
      const { repos, world, customer, requestId } = await withRequest();
      const [first, second, third] = [await world.dealer(['seoul']), await world.dealer(['seoul']), await world.dealer(['seoul'])];
      const oldest = await world.quote(requestId, first, { createdAt: minutesAfterT0(1) });
      const tied = await world.quote(requestId, second, { createdAt: minutesAfterT0(1) });
      const newest = await world.quote(requestId, third, { createdAt: minutesAfterT0(2) });
      await world.quote(await world.request(customer), first, { createdAt: minutesAfterT0(3) });

      expect(idsOf(await repos.quotes.listForRequest(requestId, undefined, firstPage()))).toEqual([newest, tied, oldest]);
      expect(idsOf(await repos.quotes.listForRequest(requestId, second, firstPage()))).toEqual([tied]);
      expect(await idsAcrossPages(1, (page) => repos.quotes.listForRequest(requestId, undefined, page))).toEqual([newest, tied, oldest]);
      expect(await idsAcrossPages(2, (page) => repos.quotes.listForRequest(requestId, undefined, page))).toEqual([newest, tied, oldest]);
    });

    it('lists a dealer’s quotes by effective status: an active quote at or past valid-until is expired', async () => {
      const { repos, world, customer } = await withRequest();
      const dealer = await world.dealer(['seoul']);
      const now = daysAfterT0(5);
      const quoteOn = async (minutes: number, validUntil: Date) => {
        const requestId = await world.request(customer, { createdAt: minutesAfterT0(minutes) });
        return { requestId, quoteId: await world.quote(requestId, dealer, { createdAt: minutesAfterT0(minutes), validUntil }) };
      };
      const active = await quoteOn(1, daysAfterT0(6));
      const lapsed = await quoteOn(2, daysAfterT0(4));
      const lapsingNow = await quoteOn(3, now);
      const withdrawn = await quoteOn(4, daysAfterT0(6));
      await repos.quotes.setStatus(withdrawn.quoteId, 'withdrawn', T0);
      const acceptedLapsed = await quoteOn(5, daysAfterT0(4));
      await repos.quotes.setStatus(acceptedLapsed.quoteId, 'accepted', T0);
      await world.quote(active.requestId, await world.dealer(['seoul']));
      const list = async (filter: QuoteFilter) => idsOf(await repos.quotes.listForDealer(dealer, filter, firstPage(), now));

      expect(await list({})).toEqual([acceptedLapsed, withdrawn, lapsingNow, lapsed, active].map((quote) => quote.quoteId));
      expect(await list({ status: 'active' })).toEqual([active.quoteId]);
      expect(await list({ status: 'expired' })).toEqual([lapsingNow.quoteId, lapsed.quoteId]);
      expect(await list({ status: 'accepted' })).toEqual([acceptedLapsed.quoteId]);
      expect(await list({ status: 'withdrawn', requestId: withdrawn.requestId })).toEqual([withdrawn.quoteId]);
      expect(await list({ requestId: lapsed.requestId })).toEqual([lapsed.quoteId]);
      expect((await repos.quotes.findById(lapsed.quoteId))?.status).toBe('active');
    });

    it('closes the active quotes of the given requests but one, in one call, leaving other statuses alone', async () => {
      const { repos, world, customer, requestId } = await withRequest();
      const [a, b, c] = [await world.dealer(['seoul']), await world.dealer(['seoul']), await world.dealer(['seoul'])];
      const kept = await world.quote(requestId, a);
      const rival = await world.quote(requestId, b);
      const withdrawn = await world.quote(requestId, c);
      await repos.quotes.setStatus(withdrawn, 'withdrawn', T0);
      const otherRequest = await world.request(customer);
      const onOtherRequest = await world.quote(otherRequest, a);
      const untouchedRequest = await world.request(customer);
      const untouched = await world.quote(untouchedRequest, a);
      const statusOf = async (quoteId: number) => (await repos.quotes.findById(quoteId))?.status;

      await repos.quotes.closeActiveForRequests([], null, minutesAfterT0(1));
      await repos.quotes.closeActiveForRequests([requestId, otherRequest], kept, minutesAfterT0(2));
      expect(await Promise.all([kept, rival, withdrawn, onOtherRequest, untouched].map(statusOf))).toEqual(['active', 'closed', 'withdrawn', 'closed', 'active']);
      expect(await repos.quotes.findById(rival)).toMatchObject({ updatedAt: minutesAfterT0(2) });

      await repos.quotes.closeActiveForRequests([untouchedRequest], null, minutesAfterT0(3));
      expect(await statusOf(untouched)).toBe('closed');
    });
  });
}
