/** Cursor pagination and list filters of GET /v1/quote-requests, against the real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import {
  buildTestApp,
  createQuoteRequest,
  expectProblem,
  headersAfter,
  idsOf,
  problemFields,
  quoteRequestBody,
  signInStaff,
  signUpCustomer,
  signUpDealer,
  type QuoteRequestView,
  type Session,
} from '../../testing/test-app.ts';

type Page = { items: QuoteRequestView[]; nextCursor: string | null };

describe('quote request lists', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app?.close());

  /** Creates `count` requests one after the other; returns them oldest first and the last write's token. */
  async function createMany(customer: Session, count: number, body: (index: number) => object): Promise<{ created: QuoteRequestView[]; token: string }> {
    const created: QuoteRequestView[] = [];
    let token = customer.consistencyToken;
    for (let index = 0; index < count; index++) {
      const result = await createQuoteRequest(app, customer, body(index));
      created.push(result.request);
      token = result.token;
    }
    return { created, token };
  }

  async function page(session: Session, token: string, query: string): Promise<Page> {
    const response = await app.inject({ method: 'GET', url: `/v1/quote-requests?${query}`, headers: headersAfter(session, token) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  }

  /** Follows nextCursor to the end; returns every page's ids. */
  async function walk(session: Session, token: string, query: string): Promise<number[][]> {
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const current: Page = await page(session, token, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      pages.push(current.items.map((item) => item.id));
      cursor = current.nextCursor;
      expect(pages.length).toBeLessThan(50);
    } while (cursor);
    return pages;
  }

  describe('cursor pagination', () => {
    let customer: Session;
    let created: QuoteRequestView[];
    let token: string;
    let trimId: number;
    beforeAll(async () => {
      customer = await signUpCustomer(app, 'paging-customer');
      const trims = (await app.inject({ method: 'GET', url: '/v1/catalog/trims' })).json() as { id: number }[];
      trimId = trims[0]!.id;
      ({ created, token } = await createMany(customer, 25, () => quoteRequestBody(trimId)));
    });

    it('25 requests at limit 10: pages of 10, 10 and 5, newest first, each exactly once', async () => {
      const pages = await walk(customer, token, 'limit=10');
      expect(pages.map((ids) => ids.length)).toEqual([10, 10, 5]);
      const newestFirst = created.map((request) => request.id).reverse();
      expect(pages.flat()).toEqual(newestFirst);
    });

    it('the last page has no next cursor, and a page that ends exactly at the end says so', async () => {
      const exactly = await page(customer, token, 'limit=25');
      expect(exactly.items).toHaveLength(25);
      expect(exactly.nextCursor).toBeNull();
      const short = await page(customer, token, 'limit=24');
      expect(short.nextCursor).not.toBeNull();
      const rest = await page(customer, token, `limit=24&cursor=${short.nextCursor}`);
      expect(rest.items.map((item) => item.id)).toEqual([created[0]!.id]);
      expect(rest.nextCursor).toBeNull();
    });

    it('the default page size is 20', async () => {
      expect((await page(customer, token, '')).items).toHaveLength(20);
    });

    it('is stable while requests are inserted between page fetches', async () => {
      const isolated = await signUpCustomer(app, 'paging-stable');
      const first = await createMany(isolated, 12, () => quoteRequestBody(trimId));
      const page1 = await page(isolated, first.token, 'limit=5');

      const inserted = await createMany({ ...isolated, headers: headersAfter(isolated, first.token) }, 3, () => quoteRequestBody(trimId));
      const page2 = await page(isolated, inserted.token, `limit=5&cursor=${page1.nextCursor}`);
      const more = await createMany({ ...isolated, headers: headersAfter(isolated, inserted.token) }, 2, () => quoteRequestBody(trimId));
      const page3 = await page(isolated, more.token, `limit=5&cursor=${page2.nextCursor}`);

      const seen = [page1, page2, page3].flatMap((current) => current.items.map((item) => item.id));
      expect(seen).toEqual(first.created.map((request) => request.id).reverse());
      expect(page3.nextCursor).toBeNull();
      const newIds = [...inserted.created, ...more.created].map((request) => request.id);
      expect(seen.filter((id) => newIds.includes(id))).toEqual([]);

      // A fresh walk starts with the newcomers, newest first.
      const fresh = await page(isolated, more.token, 'limit=5');
      expect(fresh.items.map((item) => item.id)).toEqual([...newIds].reverse());
    });

    it('an invalid cursor is a problem naming cursor', async () => {
      const headers = headersAfter(customer, token);
      const forged = Buffer.from(JSON.stringify([1, 'yesterday', 5])).toString('base64url');
      const wrongVersion = Buffer.from(JSON.stringify([9, Date.now(), 5])).toString('base64url');
      for (const cursor of ['not a cursor!', 'Zm9v', forged, wrongVersion, Buffer.from('{').toString('base64url')]) {
        const response = await app.inject({ method: 'GET', url: `/v1/quote-requests?cursor=${encodeURIComponent(cursor)}`, headers });
        expect(problemFields(expectProblem(response, 422, 'validation_failed')), cursor).toEqual(['cursor']);
      }
      const tooLong = await app.inject({ method: 'GET', url: `/v1/quote-requests?cursor=${'a'.repeat(201)}`, headers });
      expect(problemFields(expectProblem(tooLong, 400, 'invalid_request'))).toContain('cursor');
    });

    it('limit outside 1..100 is a 400 naming limit', async () => {
      for (const limit of ['0', '101', '-1', '2.5', 'ten']) {
        const response = await app.inject({ method: 'GET', url: `/v1/quote-requests?limit=${limit}`, headers: headersAfter(customer, token) });
        expect(problemFields(expectProblem(response, 400, 'invalid_request')), limit).toContain('limit');
      }
      expect((await page(customer, token, 'limit=100')).items).toHaveLength(25);
      expect((await page(customer, token, 'limit=1')).items).toHaveLength(1);
    });

    it('the dealers list pages the same way, newest first', async () => {
      const admin = await signInStaff(app, 'admin');
      const older = await signUpDealer(app, ['seoul'], 'paged-dealer-1');
      const newer = await signUpDealer(app, ['seoul'], 'paged-dealer-2');
      const headers = headersAfter(admin, newer.consistencyToken);
      const first = await app.inject({ method: 'GET', url: '/v1/dealers?status=pending_review&limit=1', headers });
      expect(idsOf(first)).toEqual([newer.account.id]);
      const second = await app.inject({ method: 'GET', url: `/v1/dealers?status=pending_review&limit=1&cursor=${first.json().nextCursor}`, headers });
      expect(idsOf(second)).toEqual([older.account.id]);
      const bad = await app.inject({ method: 'GET', url: '/v1/dealers?cursor=nope!', headers });
      expect(problemFields(expectProblem(bad, 422, 'validation_failed'))).toEqual(['cursor']);
    });
  });

  describe('filters', () => {
    type Trim = { id: number; modelId: number; makerId: number };
    let customer: Session;
    let analyst: Session;
    let token: string;
    let byName: Record<'a' | 'sameModel' | 'otherMaker' | 'busan' | 'cancelled', QuoteRequestView>;
    let all: QuoteRequestView[];
    let trims: { a: Trim; sameModel: Trim; otherMaker: Trim };

    beforeAll(async () => {
      customer = await signUpCustomer(app, 'filter-customer');
      analyst = await signInStaff(app, 'analyst');
      const catalog = (await app.inject({ method: 'GET', url: '/v1/catalog/trims' })).json() as Trim[];
      const a = catalog[0]!;
      const sameModel = catalog.find((trim) => trim.modelId === a.modelId && trim.id !== a.id);
      const otherMaker = catalog.find((trim) => trim.makerId !== a.makerId);
      if (!sameModel || !otherMaker) throw new Error('the demo catalog needs two trims of one model and a second maker');
      trims = { a, sameModel, otherMaker };

      const bodies = [
        quoteRequestBody(a.id),
        quoteRequestBody(sameModel.id),
        quoteRequestBody(otherMaker.id),
        quoteRequestBody(a.id, { region: 'busan' }),
        quoteRequestBody(a.id),
      ];
      const made = await createMany(customer, bodies.length, (index) => bodies[index]!);
      const cancelled = await app.inject({ method: 'POST', url: `/v1/quote-requests/${made.created[4]!.id}/cancel`, headers: customer.headers });
      expect(cancelled.statusCode).toBe(200);
      token = String(cancelled.headers['x-consistency-token']);
      const [first, second, third, fourth] = made.created as [QuoteRequestView, QuoteRequestView, QuoteRequestView, QuoteRequestView];
      byName = { a: first, sameModel: second, otherMaker: third, busan: fourth, cancelled: { ...made.created[4]!, status: 'cancelled' } };
      all = [...made.created].reverse();
    });

    const ids = (requests: QuoteRequestView[]) => requests.map((request) => request.id);
    const mine = async (query: string) => (await page(customer, token, `limit=100&${query}`)).items.map((item) => item.id);

    it('status', async () => {
      expect(await mine('status=cancelled')).toEqual([byName.cancelled.id]);
      expect(await mine('status=open')).toEqual(ids(all.filter((request) => request.id !== byName.cancelled.id)));
      expect(await mine('status=accepted')).toEqual([]);
    });

    it('region', async () => {
      expect(await mine('region=busan')).toEqual([byName.busan.id]);
      expect(await mine('region=seoul&status=open')).toEqual(ids([byName.otherMaker, byName.sameModel, byName.a]));
      expect(await mine('region=jeju')).toEqual([]);
    });

    it('makerId, modelId, trimId', async () => {
      expect(await mine(`makerId=${trims.otherMaker.makerId}`)).toEqual([byName.otherMaker.id]);
      expect(await mine(`makerId=${trims.a.makerId}`)).toEqual(ids(all.filter((request) => request.id !== byName.otherMaker.id)));
      expect(await mine(`modelId=${trims.a.modelId}`)).toEqual(ids(all.filter((request) => request.id !== byName.otherMaker.id)));
      expect(await mine(`trimId=${trims.sameModel.id}`)).toEqual([byName.sameModel.id]);
      expect(await mine(`trimId=${trims.a.id}&region=seoul`)).toEqual(ids([byName.cancelled, byName.a]));
    });

    it('createdFrom (inclusive) and createdTo (exclusive)', async () => {
      const from = byName.sameModel.createdAt;
      const to = byName.busan.createdAt;
      const at = (request: QuoteRequestView) => Date.parse(request.createdAt);
      const expected = all.filter((request) => at(request) >= Date.parse(from) && at(request) < Date.parse(to));
      expect(expected.map((request) => request.id)).toContain(byName.sameModel.id);
      expect(expected.map((request) => request.id)).not.toContain(byName.busan.id);
      expect(await mine(`createdFrom=${encodeURIComponent(from)}&createdTo=${encodeURIComponent(to)}`)).toEqual(ids(expected));
      expect(await mine(`createdFrom=${encodeURIComponent(from)}`)).toEqual(ids(all.filter((request) => at(request) >= Date.parse(from))));
      expect(await mine(`createdTo=${encodeURIComponent(from)}`)).toEqual(ids(all.filter((request) => at(request) < Date.parse(from))));
    });

    it('filters combine with pagination', async () => {
      const pages = await walk(customer, token, `limit=2&makerId=${trims.a.makerId}`);
      expect(pages.map((current) => current.length)).toEqual([2, 2]);
      expect(pages.flat()).toEqual(ids(all.filter((request) => request.id !== byName.otherMaker.id)));
    });

    it('staff filter across customers; the filter still confines them', async () => {
      const other = await signUpCustomer(app, 'filter-other');
      const theirs = await createQuoteRequest(app, other, quoteRequestBody(trims.otherMaker.id, { region: 'jeju' }));
      const latest = theirs.token;
      const jeju = (await page(analyst, latest, `limit=100&region=jeju&trimId=${trims.otherMaker.id}`)).items;
      expect(jeju.map((item) => item.id)).toContain(theirs.request.id);
      expect(jeju.every((item) => item.region === 'jeju' && item.trimId === trims.otherMaker.id)).toBe(true);
      const cancelled = (await page(analyst, latest, `limit=100&status=cancelled&createdFrom=${encodeURIComponent(byName.a.createdAt)}`)).items;
      expect(cancelled.map((item) => item.id)).toContain(byName.cancelled.id);
      expect(cancelled.every((item) => item.status === 'cancelled')).toBe(true);
    });
  });
});
