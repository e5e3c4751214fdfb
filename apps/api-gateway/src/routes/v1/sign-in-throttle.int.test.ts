/**
 * Failed sign-ins are throttled in the shared Redis per account and address, per address and per
 * account: temporary waits that double up to a cap, the same for unknown emails, cleared by a
 * successful sign-in, and never in the way of sign-in while Redis is down.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import type { GatewayApp } from '../../app.ts';
import { signInThrottleKeys } from '../../plugins/sign-in-throttle.ts';
import { buildTestApp, expectProblem, signUpCustomer, testPassword, uniqueEmail } from '../../testing/test-app.ts';

const wrongPassword = 'not the right password';

/** A fresh client address per scenario, so runs beside ours (same Redis) never share a counter. */
function someAddress(): string {
  return `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

function signIn(app: GatewayApp, email: string, password: string, remoteAddress: string) {
  return app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress });
}

/** Tracks the keys a scenario touches so they can be removed at the end. */
function keyTracker() {
  const keys = new Set<string>();
  return {
    of(email: string, address: string) {
      const scoped = signInThrottleKeys(email, address);
      for (const pair of Object.values(scoped)) keys.add(pair.failures).add(pair.blocked);
      return scoped;
    },
    async removeFrom(app: GatewayApp) {
      if (keys.size > 0) await app.redis.del(...keys);
    },
  };
}

function expectThrottled(response: Awaited<ReturnType<typeof signIn>>): number {
  const problem = expectProblem(response, 429, 'too_many_sign_in_attempts');
  expect(problem.detail).toMatch(/retry in \d+ s/);
  const retryAfter = Number(response.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${response.headers['retry-after']}`).toBe(true);
  return retryAfter;
}

describe('sign-in throttle', () => {
  // Small numbers so waits last fractions of a second: 3 free failures per account (from one
  // address or from all), 8 per address; waits start at 400 ms and double, up to 5 s, but only
  // up to 400 ms for the account as a whole.
  const limits = {
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3',
    SIGN_IN_FREE_FAILURES_PER_ADDRESS: '8',
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '3',
    SIGN_IN_FIRST_DELAY_MS: '400',
    SIGN_IN_MAX_DELAY_MS: '5000',
    SIGN_IN_ACCOUNT_MAX_DELAY_MS: '400',
    SIGN_IN_FAILURE_MEMORY_MS: '60000',
  };
  let app: GatewayApp;
  const keys = keyTracker();
  beforeAll(async () => {
    app = await buildTestApp(limits);
  });
  afterAll(async () => {
    if (!app) return;
    await keys.removeFrom(app);
    await app.close();
  });

  it('after the free failures refuses even the right password with 429 and Retry-After, then accepts it once the wait is over', async () => {
    const customer = await signUpCustomer(app, 'throttle-basic');
    const email = customer.account.email;
    const address = someAddress();
    const scoped = keys.of(email, address);
    for (let i = 0; i < 3; i++) expectProblem(await signIn(app, email, wrongPassword, address), 401, 'unauthenticated');
    expect(await app.redis.get(scoped.accountAtAddress.failures)).toBe('3');

    expect(expectThrottled(await signIn(app, email, testPassword, address))).toBe(1);
    // Refused attempts are not checked, so they add nothing.
    expect(await app.redis.get(scoped.accountAtAddress.failures)).toBe('3');

    await sleep(450);
    const accepted = await signIn(app, email, testPassword, address);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().account.id).toBe(customer.account.id);
  });

  it('doubles the wait with each further failure, and a success starts the count over', async () => {
    const customer = await signUpCustomer(app, 'throttle-doubling');
    const email = customer.account.email;
    const address = someAddress();
    const scoped = keys.of(email, address);
    for (let i = 0; i < 3; i++) expectProblem(await signIn(app, email, wrongPassword, address), 401);
    expect(await app.redis.pttl(scoped.accountAtAddress.blocked)).toBeLessThanOrEqual(400);
    await sleep(450);

    expectProblem(await signIn(app, email, wrongPassword, address), 401);
    const secondWaitMs = await app.redis.pttl(scoped.accountAtAddress.blocked);
    expect(secondWaitMs).toBeGreaterThan(400);
    expect(secondWaitMs).toBeLessThanOrEqual(800);
    expectThrottled(await signIn(app, email, testPassword, address));
    await sleep(450);
    // Past the account's 400 ms cap but not the 800 ms of this address.
    expectThrottled(await signIn(app, email, testPassword, address));
    await sleep(400);

    expect((await signIn(app, email, testPassword, address)).statusCode).toBe(200);
    expect(await app.redis.exists(scoped.accountAtAddress.failures, scoped.accountAtAddress.blocked, scoped.account.failures, scoped.account.blocked)).toBe(0);
    // Counting starts over: three more free failures before any wait.
    for (let i = 0; i < 3; i++) expectProblem(await signIn(app, email, wrongPassword, address), 401);
    expectThrottled(await signIn(app, email, wrongPassword, address));
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const known = (await signUpCustomer(app, 'throttle-known')).account.email;
    const unknown = uniqueEmail('throttle-nobody');
    const answers = async (email: string) => {
      const address = someAddress();
      keys.of(email, address);
      const responses = [];
      for (let i = 0; i < 4; i++) responses.push(await signIn(app, email, wrongPassword, address));
      return responses.map((response) => ({ status: response.statusCode, retryAfter: response.headers['retry-after'], detail: response.json().detail, code: response.json().code }));
    };
    const forKnown = await answers(known);
    expect(forKnown.map((answer) => answer.status)).toEqual([401, 401, 401, 429]);
    expect(await answers(unknown)).toEqual(forKnown);
  });

  it('stops one address spraying many accounts, and a success there does not wipe that address’s failures', async () => {
    const customer = await signUpCustomer(app, 'throttle-spray');
    const sprayer = someAddress();
    const sprayed = Array.from({ length: 8 }, (_, i) => uniqueEmail(`throttle-spray-${i}`));
    for (const email of sprayed) {
      keys.of(email, sprayer);
      expectProblem(await signIn(app, email, wrongPassword, sprayer), 401);
    }
    const scoped = keys.of(customer.account.email, sprayer);
    expect(await app.redis.get(scoped.address.failures)).toBe('8');
    // Each sprayed account has one failure only, yet the address is held back, for every account.
    expectThrottled(await signIn(app, customer.account.email, testPassword, sprayer));
    const elsewhere = someAddress();
    keys.of(customer.account.email, elsewhere);
    expect((await signIn(app, customer.account.email, testPassword, elsewhere)).statusCode).toBe(200);

    await sleep(450);
    expect((await signIn(app, customer.account.email, testPassword, sprayer)).statusCode).toBe(200);
    expect(await app.redis.get(scoped.address.failures)).toBe('8');
    const next = uniqueEmail('throttle-spray-next');
    keys.of(next, sprayer);
    expectProblem(await signIn(app, next, wrongPassword, sprayer), 401);
    expectThrottled(await signIn(app, next, wrongPassword, sprayer));
  });

  it('lets no more concurrent guesses through than the free failures, and counts exactly those', async () => {
    const customer = await signUpCustomer(app, 'throttle-burst');
    const address = someAddress();
    const scoped = keys.of(customer.account.email, address);
    const responses = await Promise.all(Array.from({ length: 12 }, () => signIn(app, customer.account.email, wrongPassword, address)));
    const statuses = responses.map((response) => response.statusCode).sort((a, b) => a - b);
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(9).fill(429)]);
    expect(await app.redis.get(scoped.accountAtAddress.failures)).toBe('3');
    expect(await app.redis.get(scoped.account.failures)).toBe('3');
  });

  it('documents the policy and the 429 in OpenAPI', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const login = doc.paths['/v1/auth/login'].post;
    expect(login.description).toMatch(/After 3 failures for one account from one client address, 8 from one address/);
    expect(login.description).toMatch(/too_many_sign_in_attempts/);
    expect(login.description).toMatch(/Unknown emails are throttled exactly like known ones/);
    expect(login.responses['429'].headers['retry-after'].schema).toMatchObject({ type: 'integer' });
    expect(login.responses['429'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
  });
});

describe('sign-in throttle across addresses', () => {
  // One free failure per account and address, three per account; waits start at 200 ms and
  // double up to 5 s, but stop at 200 ms for the account as a whole.
  const limits = {
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '1',
    SIGN_IN_FREE_FAILURES_PER_ADDRESS: '20',
    SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '3',
    SIGN_IN_FIRST_DELAY_MS: '200',
    SIGN_IN_MAX_DELAY_MS: '5000',
    SIGN_IN_ACCOUNT_MAX_DELAY_MS: '200',
    SIGN_IN_FAILURE_MEMORY_MS: '60000',
  };
  let app: GatewayApp;
  const keys = keyTracker();
  beforeAll(async () => {
    app = await buildTestApp(limits);
  });
  afterAll(async () => {
    if (!app) return;
    await keys.removeFrom(app);
    await app.close();
  });

  it('holds another address back by the short per-account wait only, while the guessing address waits longer and longer', async () => {
    const victim = await signUpCustomer(app, 'throttle-victim');
    const email = victim.account.email;
    const attacker = someAddress();
    const victimAddress = someAddress();
    const attackerKeys = keys.of(email, attacker);
    keys.of(email, victimAddress);
    // Each failure doubles the attacker's own wait: 200, 400, 800, then 1600 ms.
    for (const waitMs of [200, 400, 800]) {
      expectProblem(await signIn(app, email, wrongPassword, attacker), 401);
      expectThrottled(await signIn(app, email, wrongPassword, attacker));
      await sleep(waitMs + 50);
    }
    expectProblem(await signIn(app, email, wrongPassword, attacker), 401);
    expect(await app.redis.pttl(attackerKeys.accountAtAddress.blocked)).toBeGreaterThan(800);

    // The account as a whole waits its 200 ms cap, however many failures it has seen.
    expect(await app.redis.get(attackerKeys.account.failures)).toBe('4');
    expect(await app.redis.pttl(attackerKeys.account.blocked)).toBeLessThanOrEqual(200);
    expect(expectThrottled(await signIn(app, email, testPassword, victimAddress))).toBe(1);
    await sleep(250);
    const victimIn = await signIn(app, email, testPassword, victimAddress);
    expect(victimIn.statusCode, victimIn.body).toBe(200);
    // The victim's success clears the account's count, not the attacker's own wait.
    expect(await app.redis.exists(attackerKeys.account.failures)).toBe(0);
    expect(await app.redis.pttl(attackerKeys.accountAtAddress.blocked)).toBeGreaterThan(0);
    expectThrottled(await signIn(app, email, testPassword, attacker));
  });
});

describe('sign-in throttle counts shared by gateway instances', () => {
  let first: GatewayApp;
  let second: GatewayApp;
  const keys = keyTracker();
  beforeAll(async () => {
    // Allowances above the burst, so every attempt is checked and must be counted.
    const generous = { SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '1000', SIGN_IN_FREE_FAILURES_PER_ADDRESS: '1000', SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '1000' };
    [first, second] = await Promise.all([buildTestApp(generous), buildTestApp(generous)]);
  });
  afterAll(async () => {
    if (first) await keys.removeFrom(first);
    await Promise.all([first?.close(), second?.close()]);
  });

  it('counts every one of many wrong passwords sent at once to two gateways', async () => {
    const email = uniqueEmail('throttle-parallel');
    const address = someAddress();
    const scoped = keys.of(email, address);
    const responses = await Promise.all(Array.from({ length: 24 }, (_, i) => signIn(i % 2 === 0 ? first : second, email, wrongPassword, address)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(24).fill(401));
    for (const scope of ['accountAtAddress', 'address', 'account'] as const) expect(await first.redis.get(scoped[scope].failures), scope).toBe('24');
  });
});

describe('sign-in throttle while Redis is down', () => {
  let app: GatewayApp;
  beforeAll(async () => {
    const port = await unusedLoopbackPort();
    app = await buildTestApp({ REDIS_PORT: String(port), REDIS_CONNECT_TIMEOUT_MS: '300', SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS: '1', SIGN_IN_FREE_FAILURES_PER_ACCOUNT: '1' });
  });
  afterAll(() => app?.close());

  it('lets sign-in through unthrottled, and logs that it could not count', async () => {
    const errors = vi.spyOn(app.log, 'error');
    const customer = await signUpCustomer(app, 'throttle-outage');
    const address = someAddress();
    for (let i = 0; i < 3; i++) expectProblem(await signIn(app, customer.account.email, wrongPassword, address), 401, 'unauthenticated');
    expect((await signIn(app, customer.account.email, testPassword, address)).statusCode).toBe(200);
    const messages = errors.mock.calls.map((call) => call.find((argument) => typeof argument === 'string'));
    expect(messages.filter((message) => message?.startsWith('sign-in throttle unavailable'))).toHaveLength(4);
  });
});
