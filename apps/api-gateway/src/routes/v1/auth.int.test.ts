/** Sessions: sign-up, login, refresh-token rotation with reuse detection, logout. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../../app.ts';
import { buildTestApp, expectProblem, login, signUpCustomer, testPassword, type Session } from '../../testing/test-app.ts';

describe('sessions over HTTP', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    app = await buildTestApp();
  });
  afterAll(() => app?.close());

  const refresh = (refreshToken: string) => app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
  const me = (accessToken: string) => app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${accessToken}` } });

  it('sign-up answers a full session whose access token works', async () => {
    const customer = await signUpCustomer(app, 'session-signup');
    expect(customer.account).toMatchObject({ role: 'customer', status: 'active' });
    expect(customer.account).not.toHaveProperty('passwordHash');
    const response = await me(customer.accessToken);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: customer.account.id, email: customer.account.email });
  });

  it('login is case-insensitive on the email and opens a separate session', async () => {
    const customer = await signUpCustomer(app, 'session-case');
    const again = await login(app, customer.account.email.toUpperCase());
    expect(again.account.id).toBe(customer.account.id);
    expect(again.refreshToken).not.toBe(customer.refreshToken);
    // Two sessions: rotating one leaves the other usable.
    expect((await refresh(again.refreshToken)).statusCode).toBe(200);
    expect((await refresh(customer.refreshToken)).statusCode).toBe(200);
  });

  it('refresh rotates: a new refresh token and a working access token', async () => {
    const customer = await signUpCustomer(app, 'session-rotate');
    const rotated = await refresh(customer.refreshToken);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const body = rotated.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', account: { id: customer.account.id } });
    expect(body.expiresInSeconds).toBeGreaterThan(0);
    expect(body.refreshToken).not.toBe(customer.refreshToken);
    expect(Date.parse(body.refreshTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect((await me(body.accessToken)).json()).toMatchObject({ id: customer.account.id });
    // The rotated token rotates again.
    expect((await refresh(body.refreshToken)).statusCode).toBe(200);
  });

  it('reusing a rotated refresh token is a 401 and revokes the whole family, including the newest token', async () => {
    const customer: Session = await signUpCustomer(app, 'session-reuse');
    const second = (await refresh(customer.refreshToken)).json().refreshToken as string;
    const third = (await refresh(second)).json().refreshToken as string;

    const reuse = expectProblem(await refresh(customer.refreshToken), 401, 'unauthenticated');
    expect(reuse.detail).toMatch(/reuse/);
    expectProblem(await refresh(third), 401, 'unauthenticated');
    expectProblem(await refresh(second), 401, 'unauthenticated');
    // A fresh login is unaffected: a new family.
    const fresh = await login(app, customer.account.email);
    expect((await refresh(fresh.refreshToken)).statusCode).toBe(200);
  });

  it('logout revokes the session; refreshing after it is a 401', async () => {
    const customer = await signUpCustomer(app, 'session-logout');
    const rotated = (await refresh(customer.refreshToken)).json().refreshToken as string;
    const out = await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: rotated } });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    expectProblem(await refresh(rotated), 401, 'unauthenticated');
    expectProblem(await refresh(customer.refreshToken), 401, 'unauthenticated');
    // Logging out twice, or with a token nobody issued, is harmless.
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: rotated } })).statusCode).toBe(204);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: 'never-issued' } })).statusCode).toBe(204);
  });

  it('a logout of one session leaves the account’s other sessions alone', async () => {
    const customer = await signUpCustomer(app, 'session-other');
    const phone = await login(app, customer.account.email, testPassword);
    expect((await app.inject({ method: 'POST', url: '/v1/auth/logout', payload: { refreshToken: customer.refreshToken } })).statusCode).toBe(204);
    expect((await refresh(phone.refreshToken)).statusCode).toBe(200);
  });

  it('unknown and malformed refresh tokens: 401 and 400', async () => {
    expectProblem(await refresh('a-token-nobody-issued'), 401, 'unauthenticated');
    expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: '' } }), 400, 'invalid_request');
    expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: {} }), 400, 'invalid_request');
    expectProblem(await app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken: 'x'.repeat(201) } }), 400, 'invalid_request');
  });
});
