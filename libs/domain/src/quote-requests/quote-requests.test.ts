import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { createScenario } from '../testing/scenario.ts';

function fieldsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map((issue) => issue.field);
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected the call to fail'),
    (error: unknown) => error,
  );
}

describe('createQuoteRequest', () => {
  it('snapshots the trim, options and list price, and expires after the configured days', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput({ optionCodes: ['SUNROOF', 'HUD'] }));

    expect(request).toMatchObject({
      customerId: customer.accountId,
      trimId: s.trimIds.premium,
      status: 'open',
      listPriceKrw: 30_000_000 + 500_000 + 700_000,
      region: 'seoul',
      note: '흰색 선호',
    });
    expect(request.options.map((option) => option.code).sort()).toEqual(['HUD', 'SUNROOF']);
    expect(request.expiresAt.getTime() - request.createdAt.getTime()).toBe(14 * 24 * 60 * 60 * 1000);
  });

  it('rejects option codes that do not belong to the trim', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const error = await caught(
      s.marketplace.createQuoteRequest(customer, s.requestInput({ trimId: s.trimIds.hybrid, optionCodes: ['SUNROOF'] })),
    );
    expect(fieldsOf(error)).toEqual(['optionCodes']);
  });

  it('reports every invalid field at once, named like the input', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const error = await caught(
      s.marketplace.createQuoteRequest(customer, {
        trimId: 9999,
        region: 'tokyo',
        purchaseTiming: 'someday',
        paymentMethod: 'barter',
        note: 'x'.repeat(1001),
        attachmentIds: Array.from({ length: 11 }, (_, i) => `m${i}`),
      }),
    );
    expect(fieldsOf(error).sort()).toEqual(['attachmentIds', 'note', 'paymentMethod', 'purchaseTiming', 'region', 'trimId']);
  });

  it('accepts up to ten distinct attachments of the customer\'s media, in the order given, and rejects duplicates', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const ten: string[] = [];
    for (let i = 0; i < 10; i += 1) ten.push((await s.addMedia(customer, { status: i % 2 === 0 ? 'stored' : undefined })).id);
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput({ attachmentIds: [...ten].reverse() }));
    expect(request.attachmentIds).toEqual([...ten].reverse());
    const [first = ''] = ten;
    const error = await caught(s.marketplace.createQuoteRequest(customer, s.requestInput({ attachmentIds: [first, first] })));
    expect(fieldsOf(error)).toEqual(['attachmentIds']);
  });

  it('refuses attachments that are unknown, another customer\'s, deleted or failed, and creates nothing', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const own = await s.addMedia(customer);
    const refused = {
      unknown: '00000000-0000-4000-8000-ffffffffffff',
      foreign: (await s.addMedia(await s.addCustomer())).id,
      deleted: (await s.addMedia(customer, { status: 'deleted' })).id,
      failed: (await s.addMedia(customer, { status: 'failed' })).id,
    };
    for (const [reason, id] of Object.entries(refused)) {
      const error = await caught(s.marketplace.createQuoteRequest(customer, s.requestInput({ attachmentIds: [own.id, id] })));
      expect(fieldsOf(error), reason).toEqual(['attachmentIds']);
      expect((error as ValidationError).issues[0]?.message, reason).toContain(id);
      expect((error as ValidationError).issues[0]?.message, reason).not.toContain(own.id);
    }
    expect(s.store.state.quoteRequests).toEqual([]);
  });

  it('is only for customers', async () => {
    const s = createScenario();
    for (const actor of [await s.addDealer(['seoul']), await s.addStaff('analyst'), await s.addStaff('admin')]) {
      await expect(s.marketplace.createQuoteRequest(actor, s.requestInput())).rejects.toBeInstanceOf(ForbiddenError);
    }
  });
});

describe('visibility', () => {
  it('customers see only their own requests', async () => {
    const s = createScenario();
    const alice = await s.addCustomer();
    const bob = await s.addCustomer();
    const request = await s.marketplace.createQuoteRequest(alice, s.requestInput());
    await s.marketplace.createQuoteRequest(bob, s.requestInput());

    await expect(s.marketplace.getQuoteRequest(bob, request.id)).rejects.toBeInstanceOf(NotFoundError);
    const page = await s.marketplace.listQuoteRequests(alice);
    expect(page.items.map((item) => item.customerId)).toEqual([alice.accountId]);
  });

  it('active dealers see open requests in the regions they serve', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const seoulDealer = await s.addDealer(['seoul', 'gyeonggi']);
    const busanDealer = await s.addDealer(['busan']);
    const inSeoul = await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'seoul' }));
    const inBusan = await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'busan' }));

    expect((await s.marketplace.listQuoteRequests(seoulDealer)).items.map((r) => r.id)).toEqual([inSeoul.id]);
    expect((await s.marketplace.listQuoteRequests(busanDealer)).items.map((r) => r.id)).toEqual([inBusan.id]);
    await expect(s.marketplace.getQuoteRequest(seoulDealer, inBusan.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.marketplace.getQuoteRequest(seoulDealer, inSeoul.id)).resolves.toMatchObject({ id: inSeoul.id });
  });

  it('dealers keep seeing closed requests they quoted on, but not other closed ones', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const quoting = await s.addDealer(['seoul']);
    const idle = await s.addDealer(['seoul']);
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    await s.marketplace.submitQuote(quoting, request.id, s.quoteInput(request.listPriceKrw));
    await s.marketplace.cancelQuoteRequest(customer, request.id);

    await expect(s.marketplace.getQuoteRequest(quoting, request.id)).resolves.toMatchObject({ status: 'cancelled' });
    expect((await s.marketplace.listQuoteRequests(quoting)).items).toHaveLength(1);
    await expect(s.marketplace.getQuoteRequest(idle, request.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.marketplace.listQuoteRequests(idle)).items).toHaveLength(0);
  });

  it.each(['pending_review', 'suspended'] as const)('%s dealers see nothing', async (status) => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const dealer = await s.addDealer(['seoul'], status);
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    await expect(s.marketplace.listQuoteRequests(dealer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(s.marketplace.getQuoteRequest(dealer, request.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('analysts and admins read everything', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'seoul' }));
    await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'jeju' }));
    for (const staff of [await s.addStaff('analyst'), await s.addStaff('admin')]) {
      expect((await s.marketplace.listQuoteRequests(staff)).items).toHaveLength(2);
    }
  });
});

describe('lifecycle', () => {
  it('an open request past expires_at reads as expired everywhere before the sweep runs', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const dealer = await s.addDealer(['seoul']);
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput());

    s.clock.advanceDays(14);
    await expect(s.marketplace.getQuoteRequest(customer, request.id)).resolves.toMatchObject({ status: 'expired' });
    expect((await s.marketplace.listQuoteRequests(customer, { status: 'open' })).items).toHaveLength(0);
    expect((await s.marketplace.listQuoteRequests(customer, { status: 'expired' })).items).toHaveLength(1);
    expect((await s.marketplace.listQuoteRequests(dealer)).items).toHaveLength(0);
    await expect(s.marketplace.cancelQuoteRequest(customer, request.id)).rejects.toBeInstanceOf(ConflictError);
    expect(s.store.state.quoteRequests[0]?.status).toBe('open');
  });

  it('expireOverdueRequests persists expiry in batches and closes the quotes', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const dealer = await s.addDealer(['seoul']);
    const first = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const quote = await s.marketplace.submitQuote(dealer, first.id, s.quoteInput(first.listPriceKrw));
    await s.marketplace.createQuoteRequest(customer, s.requestInput());
    await s.marketplace.createQuoteRequest(customer, s.requestInput());
    s.clock.advanceDays(1);
    const fresh = await s.marketplace.createQuoteRequest(customer, s.requestInput());

    s.clock.advanceDays(13.5);
    expect(await s.marketplace.expireOverdueRequests()).toBe(3);
    const stored = new Map(s.store.state.quoteRequests.map((request) => [request.id, request.status]));
    expect([...stored.values()].filter((status) => status === 'expired')).toHaveLength(3);
    expect(stored.get(fresh.id)).toBe('open');
    expect(s.store.state.quotes.find((candidate) => candidate.id === quote.id)?.status).toBe('closed');
    expect(await s.marketplace.expireOverdueRequests()).toBe(0);
  });

  it('the owner may cancel an open request once; its quotes close', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const other = await s.addCustomer();
    const dealer = await s.addDealer(['seoul']);
    const request = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const quote = await s.marketplace.submitQuote(dealer, request.id, s.quoteInput(request.listPriceKrw));

    await expect(s.marketplace.cancelQuoteRequest(other, request.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.marketplace.cancelQuoteRequest(dealer, request.id)).rejects.toBeInstanceOf(ForbiddenError);
    const cancelled = await s.marketplace.cancelQuoteRequest(customer, request.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', closedAt: s.clock.now() });
    await expect(s.marketplace.getQuote(dealer, quote.id)).resolves.toMatchObject({ status: 'closed' });
    await expect(s.marketplace.cancelQuoteRequest(customer, request.id)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('listQuoteRequests', () => {
  it('pages newest first with a cursor that survives concurrent inserts', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await s.marketplace.createQuoteRequest(customer, s.requestInput())).id);
      s.clock.advanceMs(1000);
    }
    const first = await s.marketplace.listQuoteRequests(customer, {}, { limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const second = await s.marketplace.listQuoteRequests(customer, {}, { limit: 2, cursor: first.nextCursor });
    expect(second.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const third = await s.marketplace.listQuoteRequests(customer, {}, { limit: 2, cursor: second.nextCursor });
    expect(third.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
  });

  it('breaks created_at ties by id', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const a = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const b = await s.marketplace.createQuoteRequest(customer, s.requestInput());
    const first = await s.marketplace.listQuoteRequests(customer, {}, { limit: 1 });
    const second = await s.marketplace.listQuoteRequests(customer, {}, { limit: 1, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual([b.id, a.id]);
  });

  it('filters by region, trim, and created range', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    const start = s.clock.now();
    const seoul = await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'seoul' }));
    s.clock.advanceDays(1);
    const jeju = await s.marketplace.createQuoteRequest(customer, s.requestInput({ region: 'jeju', trimId: s.trimIds.hybrid, optionCodes: [] }));
    const ids = async (filter: Parameters<typeof s.marketplace.listQuoteRequests>[1]) =>
      (await s.marketplace.listQuoteRequests(customer, filter)).items.map((r) => r.id);

    expect(await ids({ region: 'jeju' })).toEqual([jeju.id]);
    expect(await ids({ trimId: s.trimIds.premium })).toEqual([seoul.id]);
    expect(await ids({ createdFrom: start, createdTo: new Date(start.getTime() + 1000) })).toEqual([seoul.id]);
  });

  it('rejects an invalid cursor naming the cursor field, and bad limits', async () => {
    const s = createScenario();
    const customer = await s.addCustomer();
    expect(fieldsOf(await caught(s.marketplace.listQuoteRequests(customer, {}, { cursor: 'garbage!' })))).toEqual(['cursor']);
    expect(fieldsOf(await caught(s.marketplace.listQuoteRequests(customer, {}, { limit: 101 })))).toEqual(['limit']);
    expect(fieldsOf(await caught(s.marketplace.listQuoteRequests(customer, {}, { limit: 0 })))).toEqual(['limit']);
  });
});
