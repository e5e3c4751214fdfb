/** Idempotency-Key on the gateway's writes, against the real primary: replay, mismatch, in flight, expiry, scope. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { connectAs } from '@chucar/platform/testing';
import { deleteExpiredIdempotencyKeys, deriveIdempotencySecrets, requestFingerprint } from '@chucar/platform';
import type { GatewayApp } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';
import { buildTestApp, quoteRequestBody, signUpCustomer, someTrim, testPassword, uniqueEmail, type Session } from '../testing/test-app.ts';

describe('Idempotency-Key', () => {
  let app: GatewayApp;
  let admin: mysql.Connection;
  let customer: Session;
  let trimId: number;
  const create = (session: Session, key: string | undefined, body: object) =>
    app.inject({ method: 'POST', url: '/v1/quote-requests', headers: { ...session.headers, ...(key !== undefined ? { 'idempotency-key': key } : {}) }, payload: body });
  const requestsOf = async (accountId: number) => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM quote_requests WHERE customer_id = ?', [accountId]);
    return Number((rows as { n: number }[])[0]!.n);
  };

  beforeAll(async () => {
    app = await buildTestApp();
    admin = await connectAs('admin', 'primary');
    trimId = (await someTrim(app)).id;
  });
  afterAll(async () => {
    await admin?.end();
    await app?.close();
  });

  it('applies a create once and replays the stored answer for the same key and request', async () => {
    customer = await signUpCustomer(app, 'idem');
    const key = randomUUID();
    const body = quoteRequestBody(trimId, { note: 'once' });
    const first = await create(customer, key, body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(first.headers['x-consistency-token']).toMatch(/^\d+-\d+-\d+/);

    // The same body with its keys in another order is the same request.
    const again = await create(customer, `"${key}"`, Object.fromEntries(Object.entries(body).reverse()));
    expect(again.statusCode, again.body).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(again.headers['location']).toBe(first.headers['location']);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['x-consistency-token']).toMatch(/^\d+-\d+-\d+/);
    expect(await requestsOf(customer.account.id)).toBe(1);

    // Reading with the replay's token sees the write.
    const read = await app.inject({ method: 'GET', url: String(first.headers['location']), headers: { ...customer.headers, 'x-consistency-token': String(again.headers['x-consistency-token']) } });
    expect(read.statusCode, read.body).toBe(200);
  });

  it('answers 422 when the key comes back with a different request, and changes nothing', async () => {
    const key = randomUUID();
    expect((await create(customer, key, quoteRequestBody(trimId, { note: 'a' }))).statusCode).toBe(201);
    const before = await requestsOf(customer.account.id);
    const other = await create(customer, key, quoteRequestBody(trimId, { note: 'b' }));
    expect(other.statusCode, other.body).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await requestsOf(customer.account.id)).toBe(before);
  });

  it('answers 409 at once while a request with the key is in flight, then runs once it is not', async () => {
    const key = randomUUID();
    const body = quoteRequestBody(trimId, { note: 'in flight' });
    // Another transaction holds the key, as a request still running on another gateway would.
    const holder = await connectAs('app', 'primary');
    try {
      const fingerprint = requestFingerprint(deriveIdempotencySecrets(loadGatewayConfig().JWT_SECRET), { method: 'POST', url: '/v1/quote-requests', body });
      await holder.beginTransaction();
      await holder.query('INSERT INTO idempotency_keys (scope, idem_key, fingerprint, created_at, expires_at) VALUES (?, ?, ?, NOW(3), NOW(3) + INTERVAL 1 DAY)', [`account:${customer.account.id}`, key, fingerprint]);
      const before = await requestsOf(customer.account.id);
      const busy = await create(customer, key, body);
      expect(busy.statusCode, busy.body).toBe(409);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.json()).toMatchObject({ code: 'idempotency_key_in_flight' });
      expect(await requestsOf(customer.account.id)).toBe(before);
      await holder.rollback(); // that request died without committing
      const retried = await create(customer, key, body);
      expect(retried.statusCode, retried.body).toBe(201);
      expect(await requestsOf(customer.account.id)).toBe(before + 1);
    } finally {
      await holder.end();
    }
  });

  it('runs parallel twins once: one creates, the other gets the replay or 409', async () => {
    const key = randomUUID();
    const body = quoteRequestBody(trimId, { note: 'twins' });
    const before = await requestsOf(customer.account.id);
    const answers = await Promise.all(Array.from({ length: 6 }, () => create(customer, key, body)));
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.every((status) => status === 201 || status === 409), statuses.join()).toBe(true);
    expect(answers.filter((answer) => answer.statusCode === 201 && !answer.headers['idempotent-replayed'])).toHaveLength(1);
    expect(await requestsOf(customer.account.id)).toBe(before + 1);
  });

  it('keeps keys per account: another customer’s same key is a new request', async () => {
    const other = await signUpCustomer(app, 'idem-other');
    const key = randomUUID();
    const body = quoteRequestBody(trimId);
    expect((await create(customer, key, body)).statusCode).toBe(201);
    const theirs = await create(other, key, body);
    expect(theirs.statusCode).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await requestsOf(other.account.id)).toBe(1);
  });

  it('stores nothing for a refused request, so the corrected retry with the same key runs', async () => {
    const key = randomUUID();
    const refused = await create(customer, key, quoteRequestBody(999_999_999));
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    const corrected = await create(customer, key, quoteRequestBody(trimId, { note: 'corrected' }));
    expect(corrected.statusCode, corrected.body).toBe(201);
  });

  it('replays a sign-up (the same account and tokens), keeps the stored answer sealed, and refuses a malformed key', async () => {
    const key = randomUUID();
    const signUp = { email: uniqueEmail('idem-signup'), password: testPassword, displayName: 'once' };
    const first = await app.inject({ method: 'POST', url: '/v1/auth/customers', headers: { 'idempotency-key': key }, payload: signUp });
    expect(first.statusCode, first.body).toBe(201);
    const again = await app.inject({ method: 'POST', url: '/v1/auth/customers', headers: { 'idempotency-key': key }, payload: signUp });
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    const [rows] = await admin.query('SELECT sealed_response FROM idempotency_keys WHERE idem_key = ?', [key]);
    const sealed = (rows as { sealed_response: Buffer }[])[0]!.sealed_response;
    expect(sealed.includes(Buffer.from(first.json().refreshToken))).toBe(false);

    const bad = await app.inject({ method: 'POST', url: '/v1/auth/customers', headers: { 'idempotency-key': 'spaces are not allowed' }, payload: { ...signUp, email: uniqueEmail('x') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_idempotency_key' });
  });

  it('forgets a key once it expired (the request runs again) and the sweep deletes expired keys', async () => {
    const key = randomUUID();
    const body = quoteRequestBody(trimId, { note: 'expiring' });
    expect((await create(customer, key, body)).statusCode).toBe(201);
    const before = await requestsOf(customer.account.id);
    await admin.query('UPDATE idempotency_keys SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE idem_key = ?', [key]);
    const afterExpiry = await create(customer, key, body);
    expect(afterExpiry.statusCode).toBe(201);
    expect(afterExpiry.headers['idempotent-replayed']).toBeUndefined();
    expect(await requestsOf(customer.account.id)).toBe(before + 1);

    await admin.query('UPDATE idempotency_keys SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE idem_key = ?', [key]);
    expect(await deleteExpiredIdempotencyKeys(app.databases.writer.db, new Date())).toBeGreaterThanOrEqual(1);
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM idempotency_keys WHERE idem_key = ?', [key]);
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(0);
  });

  it('documents the header on every write it guards', async () => {
    const document = (await app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; description?: string }>> };
    const guarded = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, operation]) => operation.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(guarded.sort()).toEqual(
      [
        'PATCH /v1/quotes/{id}',
        'POST /v1/auth/customers',
        'POST /v1/auth/dealers',
        'POST /v1/auth/logout',
        'POST /v1/auth/refresh',
        'POST /v1/dealers/{id}/approve',
        'POST /v1/dealers/{id}/suspend',
        'POST /v1/quote-requests',
        'POST /v1/quote-requests/{id}/accept',
        'POST /v1/quote-requests/{id}/cancel',
        'POST /v1/quote-requests/{id}/quotes',
        'POST /v1/quotes/{id}/withdraw',
      ].sort(),
    );
  });
});
