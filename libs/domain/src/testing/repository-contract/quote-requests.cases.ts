import { describe, expect, it } from 'vitest';
import type { QuoteRequestFilter, QuoteRequestScope } from '../../quote-requests/quote-requests.types.ts';
import type { Repositories } from '../../repositories.ts';
import { testCatalog } from '../catalog-fixture.ts';
import { T0, arrange, daysAfterT0, firstPage, idsAcrossPages, idsOf, minutesAfterT0 } from './world.ts';
import type { OpenRepositories } from './world.ts';

const ALL: QuoteRequestScope = { kind: 'all' };

export function quoteRequestsCases(open: OpenRepositories): void {
  describe('quote requests', () => {
    async function withCustomer() {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      return { repos, world, customer: await world.customer() };
    }
    const listIds = (repos: Repositories, scope: QuoteRequestScope, filter: QuoteRequestFilter, now = T0) =>
      repos.quoteRequests.list(scope, filter, firstPage(), now).then(idsOf);

    it('stores a request open, its options in code order and its attachments in the order given', async () => {
      const { repos, world, customer } = await withCustomer();
      const premium = world.trim('premium');
      const input = {
        customerId: customer,
        makerId: premium.makerId,
        modelId: premium.modelId,
        trimId: premium.id,
        region: 'busan' as const,
        purchaseTiming: 'within_3_months' as const,
        paymentMethod: 'lease' as const,
        note: '흰색 선호',
        options: [
          { code: 'SUNROOF', name: '선루프', priceKrw: 500_000 },
          { code: 'HUD', name: '헤드업 디스플레이', priceKrw: 700_000 },
        ],
        attachmentIds: ['media-b', 'media-a'],
        listPriceKrw: 31_200_000,
        expiresAt: daysAfterT0(14),
        createdAt: T0,
      };
      const id = await repos.quoteRequests.insert(input);
      const stored = { ...input, id, status: 'open', acceptedQuoteId: null, closedAt: null, updatedAt: T0 };
      const { options: _options, attachmentIds: _attachments, ...header } = stored;

      expect(await repos.quoteRequests.findById(id)).toEqual({ ...stored, options: [input.options[1], input.options[0]] });
      expect(await repos.quoteRequests.findByIdForUpdate(id)).toEqual(header);
      expect(await repos.quoteRequests.findById(999_999)).toBeUndefined();
      expect(await repos.quoteRequests.findByIdForUpdate(999_999)).toBeUndefined();
    });

    it('lists newest first with id breaking ties, and pages never repeat or skip a row', async () => {
      const { repos, world, customer } = await withCustomer();
      const oldest = await world.request(customer, { createdAt: T0 });
      const tiedFirst = await world.request(customer, { createdAt: minutesAfterT0(1) });
      const tiedSecond = await world.request(customer, { createdAt: minutesAfterT0(1) });
      const newest = await world.request(customer, { createdAt: minutesAfterT0(2) });
      const expected = [newest, tiedSecond, tiedFirst, oldest];

      expect(await listIds(repos, ALL, {})).toEqual(expected);
      for (const limit of [1, 2, 3, 4]) {
        expect(await idsAcrossPages(limit, (page) => repos.quoteRequests.list(ALL, {}, page, T0))).toEqual(expected);
      }
    });

    it('scopes a customer to their own requests', async () => {
      const { repos, world, customer } = await withCustomer();
      const mine = await world.request(customer);
      await world.request(await world.customer());
      expect(await listIds(repos, { kind: 'customer', customerId: customer }, {})).toEqual([mine]);
    });

    it('scopes a dealer to open requests in their regions, plus any request they quoted on', async () => {
      const { repos, world, customer } = await withCustomer();
      const dealer = await world.dealer(['seoul']);
      const rival = await world.dealer(['seoul', 'busan']);
      const at = (minutes: number) => ({ createdAt: minutesAfterT0(minutes) });
      const seoulOpen = await world.request(customer, at(1));
      await world.request(customer, { ...at(2), region: 'busan' });
      await world.request(customer, { ...at(3), expiresAt: minutesAfterT0(10) });
      const seoulCancelled = await world.request(customer, at(4));
      await repos.quoteRequests.close(seoulCancelled, { status: 'cancelled', acceptedQuoteId: null, at: minutesAfterT0(5) });
      const busanQuoted = await world.request(customer, { ...at(6), region: 'busan' });
      await world.quote(busanQuoted, dealer, at(6));
      const quotedThenExpired = await world.request(customer, { ...at(7), expiresAt: minutesAfterT0(10) });
      await world.quote(quotedThenExpired, dealer, at(7));
      const seoulQuotedByRival = await world.request(customer, at(8));
      await world.quote(seoulQuotedByRival, rival, at(8));
      const now = minutesAfterT0(10);

      expect(await listIds(repos, { kind: 'dealer', dealerId: dealer, regions: ['seoul'] }, {}, now)).toEqual([seoulQuotedByRival, quotedThenExpired, busanQuoted, seoulOpen]);
      expect(await listIds(repos, { kind: 'dealer', dealerId: dealer, regions: [] }, {}, now)).toEqual([quotedThenExpired, busanQuoted]);
    });

    it('filters by effective status: an open request at or past its expiry is expired, not open', async () => {
      const { repos, world, customer } = await withCustomer();
      const now = daysAfterT0(10);
      const open = await world.request(customer, { createdAt: minutesAfterT0(1), expiresAt: daysAfterT0(11) });
      const overdue = await world.request(customer, { createdAt: minutesAfterT0(2), expiresAt: daysAfterT0(9) });
      const expiringNow = await world.request(customer, { createdAt: minutesAfterT0(3), expiresAt: now });
      const swept = await world.request(customer, { createdAt: minutesAfterT0(4), expiresAt: daysAfterT0(5) });
      await repos.quoteRequests.close(swept, { status: 'expired', acceptedQuoteId: null, at: daysAfterT0(5) });
      const cancelled = await world.request(customer, { createdAt: minutesAfterT0(5) });
      await repos.quoteRequests.close(cancelled, { status: 'cancelled', acceptedQuoteId: null, at: daysAfterT0(1) });

      expect(await listIds(repos, ALL, { status: 'open' }, now)).toEqual([open]);
      expect(await listIds(repos, ALL, { status: 'expired' }, now)).toEqual([swept, expiringNow, overdue]);
      expect(await listIds(repos, ALL, { status: 'cancelled' }, now)).toEqual([cancelled]);
      expect(await listIds(repos, ALL, { status: 'accepted' }, now)).toEqual([]);
      expect((await repos.quoteRequests.findById(overdue))?.status).toBe('open');
    });

    it('filters by region, maker, model and trim, and by creation from (inclusive) to (exclusive)', async () => {
      const { repos, world, customer } = await withCustomer();
      const sonataSeoul = await world.request(customer, { createdAt: minutesAfterT0(1) });
      const hybridBusan = await world.request(customer, { createdAt: minutesAfterT0(2), trimCode: 'hybrid', region: 'busan' });
      const ev6Seoul = await world.request(customer, { createdAt: minutesAfterT0(3), trimCode: 'light' });
      const pickupSeoul = await world.request(customer, { createdAt: minutesAfterT0(4), trimCode: 'x-pro' });
      const light = world.trim('light');

      expect(await listIds(repos, ALL, { region: 'seoul' })).toEqual([pickupSeoul, ev6Seoul, sonataSeoul]);
      expect(await listIds(repos, ALL, { makerId: light.makerId })).toEqual([pickupSeoul, ev6Seoul]);
      expect(await listIds(repos, ALL, { modelId: light.modelId })).toEqual([ev6Seoul]);
      expect(await listIds(repos, ALL, { trimId: world.trim('hybrid').id })).toEqual([hybridBusan]);
      expect(await listIds(repos, ALL, { makerId: light.makerId, region: 'busan' })).toEqual([]);
      expect(await listIds(repos, ALL, { createdFrom: minutesAfterT0(2), createdTo: minutesAfterT0(4) })).toEqual([ev6Seoul, hybridBusan]);
    });

    it('closes an open request once; closing it again changes nothing', async () => {
      const { repos, world, customer } = await withCustomer();
      const id = await world.request(customer);
      const quoteId = await world.quote(id, await world.dealer(['seoul']));
      await repos.quoteRequests.close(id, { status: 'accepted', acceptedQuoteId: quoteId, at: minutesAfterT0(5) });
      await repos.quoteRequests.close(id, { status: 'cancelled', acceptedQuoteId: null, at: minutesAfterT0(6) });
      expect(await repos.quoteRequests.findById(id)).toMatchObject({ status: 'accepted', acceptedQuoteId: quoteId, closedAt: minutesAfterT0(5), updatedAt: minutesAfterT0(5) });
    });

    it('expires overdue open requests, earliest expiry first, at most `limit` at a time', async () => {
      const { repos, world, customer } = await withCustomer();
      const now = daysAfterT0(20);
      const expiresLast = await world.request(customer, { expiresAt: daysAfterT0(15) });
      const expiresFirst = await world.request(customer, { expiresAt: daysAfterT0(10) });
      const expiresSecond = await world.request(customer, { expiresAt: daysAfterT0(12) });
      const expiresNow = await world.request(customer, { expiresAt: now });
      const stillOpen = await world.request(customer, { expiresAt: daysAfterT0(30) });
      const cancelled = await world.request(customer, { expiresAt: daysAfterT0(11) });
      await repos.quoteRequests.close(cancelled, { status: 'cancelled', acceptedQuoteId: null, at: daysAfterT0(1) });
      const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

      expect(sorted(await repos.quoteRequests.expireOverdue(now, 2))).toEqual(sorted([expiresFirst, expiresSecond]));
      expect(await repos.quoteRequests.findById(expiresFirst)).toMatchObject({ status: 'expired', closedAt: now, updatedAt: now });
      expect(await repos.quoteRequests.findById(expiresLast)).toMatchObject({ status: 'open', closedAt: null });
      expect(sorted(await repos.quoteRequests.expireOverdue(now, 10))).toEqual(sorted([expiresLast, expiresNow]));
      expect(await repos.quoteRequests.expireOverdue(now, 10)).toEqual([]);
      expect(await listIds(repos, ALL, { status: 'open' }, now)).toEqual([stillOpen]);
      expect(await listIds(repos, ALL, { status: 'cancelled' }, now)).toEqual([cancelled]);
    });
  });
}
