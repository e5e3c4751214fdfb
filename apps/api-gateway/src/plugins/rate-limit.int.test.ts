/**
 * Two gateway instances share one client's limit through the real Redis, each deciding locally
 * and settling in batches: together they admit `max` requests, give or take the stated tolerance
 * (instances × RATE_LIMIT_SYNC_BATCH), and agree on the window. Requests go over real HTTP:
 * `inject` never lets the event loop read Redis's answers between requests, a socket does. The
 * client paces its requests so each instance hears back from Redis in between: the part of the
 * tolerance that depends on the Redis round trip is then nil and the bounds are exact.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp } from '../testing/test-app.ts';

const max = 12;
const syncBatch = 2;
const syncIntervalMs = 50;
const clientPauseMs = 25;

// Each test run counts fresh accounts: a window in Redis outlives a run by up to a minute.
let nextAccountId = randomInt(1_000_000, 1_000_000_000);

/** A signed-in client of an account of its own: the limit counts verified accounts. */
function uniqueClient(app: GatewayApp): { authorization: string; accountId: number } {
  const accountId = nextAccountId++;
  return { authorization: `Bearer ${app.issueAccessToken({ accountId, role: 'customer' }).accessToken}`, accountId };
}

function redisKeyOf(client: { accountId: number }, prefix = 'chucar:'): string {
  return `${prefix}ratelimit:account:${client.accountId}`;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('rate limit shared by two gateway instances', () => {
  let first: GatewayApp;
  let second: GatewayApp;
  const urls = new Map<GatewayApp, string>();

  beforeAll(async () => {
    const limits = { RATE_LIMIT_MAX: String(max), RATE_LIMIT_SYNC_BATCH: String(syncBatch), RATE_LIMIT_SYNC_INTERVAL_MS: String(syncIntervalMs) };
    [first, second] = await Promise.all([buildTestApp(limits), buildTestApp(limits)]);
    for (const app of [first, second]) urls.set(app, await app.listen({ host: '127.0.0.1', port: 0 }));
  });
  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  const get = (app: GatewayApp, client: { authorization: string }, path = '/v1/regions') => fetch(`${urls.get(app)}${path}`, { headers: { authorization: client.authorization } });
  const paced = async (app: GatewayApp, client: { authorization: string }) => {
    const response = await get(app, client);
    await new Promise((resolve) => setTimeout(resolve, clientPauseMs));
    return response;
  };

  it('admits max requests in all, within instances × batch, when a client alternates between them', async () => {
    const client = uniqueClient(first);
    const statuses: number[] = [];
    for (let i = 0; i < 2 * max; i++) statuses.push((await paced(i % 2 === 0 ? first : second, client)).status);

    const admitted = statuses.filter((status) => status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(max);
    expect(admitted).toBeLessThanOrEqual(max + 2 * syncBatch);
    expect(statuses.slice(-4)).toEqual([429, 429, 429, 429]);
    // Every admitted request reached Redis once: nothing lost, nothing counted twice.
    const counted = await eventually(() => first.redis.get(redisKeyOf(client)), (count) => Number(count) === admitted);
    expect(Number(counted)).toBe(admitted);
  });

  it('refuses on one instance a client who used up the limit on the other', async () => {
    const client = uniqueClient(first);
    for (let i = 0; i < max; i++) expect((await get(first, client)).status).toBe(200);
    expect(await eventually(() => first.redis.get(redisKeyOf(client)), (count) => Number(count) === max)).toBe(String(max));

    // The second instance has not seen this client: it admits at most one batch before it learns.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await paced(second, client)).status);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(syncBatch);
    expect(statuses.slice(-2)).toEqual([429, 429]);

    const refused = await get(second, client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await refused.json()).toMatchObject({ status: 429, code: 'rate_limited', requestId: refused.headers.get('x-request-id') });
    expect(refused.headers.get('ratelimit-limit')).toBe(String(max));
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Both instances took the window's end from Redis's time to live.
    const ttlSeconds = Math.ceil((await first.redis.pttl(redisKeyOf(client))) / 1000);
    expect(Math.abs(retryAfter - ttlSeconds)).toBeLessThanOrEqual(1);
    expect(Math.abs(Number((await get(first, client)).headers.get('retry-after')) - retryAfter)).toBeLessThanOrEqual(1);
  });

  it('keeps counting each client apart and never limits health checks or metrics', async () => {
    const busy = uniqueClient(first);
    for (let i = 0; i < max + 2; i++) await get(first, busy);
    expect((await get(first, busy)).status).toBe(429);
    const other = await get(first, uniqueClient(first));
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe(String(max - 1));
    for (let i = 0; i < max + 2; i++) {
      expect((await get(first, busy, '/health/live')).status).toBe(200);
      expect((await get(first, busy, '/metrics')).status).toBe(200);
    }
  });
});

describe('rate limit keys', () => {
  // A prefix of its own: the address count of 127.0.0.1 is shared with nothing else that runs.
  const prefix = `chucar-rl-${randomUUID().slice(0, 8)}:`;
  let app: GatewayApp;
  let url: string;

  beforeAll(async () => {
    app = await buildTestApp({ RATE_LIMIT_MAX: String(max), RATE_LIMIT_SYNC_BATCH: '1', RATE_LIMIT_SYNC_INTERVAL_MS: String(syncIntervalMs), GATEWAY_REDIS_KEY_PREFIX: prefix });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });

  const statusWith = async (authorization: string) => (await fetch(`${url}/v1/regions`, { headers: { authorization } })).status;

  it('counts a client that sends a new made-up token each time by its address, and leaves no key per token in Redis', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < max + 3; i++) statuses.push(await statusWith(`Bearer made-up-${randomUUID()}`));
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(max + 1);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    const keys = await eventually(() => app.redis.keys(`${prefix}ratelimit:*`), (found) => found.includes(`${prefix}ratelimit:ip:127.0.0.1`));
    expect(keys.sort()).toEqual([`${prefix}ratelimit:ip:127.0.0.1`]);
    // A signed-in client from the same address keeps its own limit.
    expect(await statusWith(uniqueClient(app).authorization)).toBe(200);
  });

  it('counts every token of one account against one limit', async () => {
    const { accountId } = uniqueClient(app);
    // Signed a second apart, the two tokens differ in iat and exp.
    const firstToken = app.issueAccessToken({ accountId, role: 'customer' }).accessToken;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const secondToken = app.issueAccessToken({ accountId, role: 'customer' }).accessToken;
    expect(secondToken).not.toBe(firstToken);
    const statuses: number[] = [];
    for (let i = 0; i < max + 3; i++) {
      statuses.push(await statusWith(`Bearer ${i % 2 === 0 ? firstToken : secondToken}`));
      await new Promise((resolve) => setTimeout(resolve, clientPauseMs));
    }
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(max + 1);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(Number(await app.redis.get(redisKeyOf({ accountId }, prefix)))).toBeGreaterThanOrEqual(max);
  });
});
