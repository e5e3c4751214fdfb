/**
 * Two gateways behind a real HAProxy, all owned by this test on unused loopback ports (the shared
 * stack's servers are only used, never stopped): a gateway killed with SIGKILL under load, every
 * gateway restarted with SIGTERM under load, and the primary made unreachable for these gateways
 * (through a proxy this test cuts). Wall time is about 20 s.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { connectAs } from '@chucar/platform/testing';
import { ensureHaproxy } from '../lb/haproxy.ts';
import { startLbCluster, type LbCluster } from './lb-cluster.ts';
import { createWithRetries, newTally, requestOnce, runClients } from './load.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('gateways behind the load balancer', () => {
  let cluster: LbCluster;
  let admin: mysql.Connection;
  let auth: Record<string, string>;
  let trimId: number;
  let lb: string;
  const requestBody = (note: string) => ({ trimId, region: 'seoul', purchaseTiming: 'this_month', paymentMethod: 'cash', note });
  const rowsWithNote = async (prefix: string) => {
    const [rows] = await admin.query('SELECT note, COUNT(*) AS n FROM quote_requests WHERE note LIKE ? GROUP BY note', [`${prefix}%`]);
    return new Map((rows as { note: string; n: number }[]).map((row) => [row.note, Number(row.n)]));
  };
  /** Long enough for the balancer to have seen a restarted gateway healthy again. */
  const settle = () => pause(cluster.checks.checkIntervalMs * (cluster.checks.rise + 2));

  beforeAll(async () => {
    ensureHaproxy();
    cluster = await startLbCluster({ instances: 2 });
    lb = cluster.balancer.url;
    admin = await connectAs('admin', 'primary');
    const signUp = await fetch(`${lb}/v1/auth/customers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `lb-${randomUUID().slice(0, 8)}@test.chucar.kr`, password: 'correct horse battery staple', displayName: 'lb' }),
    });
    expect(signUp.status).toBe(201);
    auth = { authorization: `Bearer ${((await signUp.json()) as { accessToken: string }).accessToken}` };
    const trims = (await (await fetch(`${lb}/v1/catalog/trims`)).json()) as { id: number }[];
    trimId = trims[0]!.id;
  });

  afterAll(async () => {
    await admin?.end();
    await cluster?.stop();
  });

  /** Creates (with keys, retried by the client on any failure) and reads through `balancerUrl` while gateway `victim` is killed. */
  async function killUnderLoad(balancerUrl: string, victim: number, label: string) {
    const tag = `lb-kill-${randomUUID().slice(0, 8)}-`;
    const creates = newTally();
    const reads = newTally();
    const done: { key: string; replayed: boolean }[] = [];
    let stop = false;
    const load = Promise.all([
      runClients(8, () => stop, async () => {
        const key = randomUUID();
        const created = await createWithRetries(creates, `${balancerUrl}/v1/quote-requests`, auth, key, requestBody(`${tag}${key}`));
        if (created) done.push(created);
      }),
      runClients(4, () => stop, async () => void (await requestOnce(reads, `${balancerUrl}/v1/catalog/makers`))),
    ]);
    await pause(800);
    await cluster.gateways[victim]!.kill();
    await pause(1500);
    stop = true;
    await load;

    expect(creates.failures).toEqual([]);
    expect(reads.failures).toEqual([]);
    const rows = await rowsWithNote(tag);
    // Every logical create is in the database exactly once, and nothing else is.
    expect(done.length).toBeGreaterThan(20);
    expect(rows.size).toBe(done.length);
    for (const { key } of done) expect(rows.get(`${tag}${key}`), key).toBe(1);
    console.log(`[lb faults] SIGKILL, ${label}: ${done.length} creates (${creates.retried} attempts retried by clients, ${done.filter((item) => item.replayed).length} answered by replay), ${reads.ok} reads, 0 failed`);

    await cluster.gateways[victim]!.start();
    await settle();
    return creates;
  }

  it('loses nothing and applies every create exactly once when a gateway is killed with SIGKILL under load', async () => {
    await killUnderLoad(lb, 0, 'HAProxy resends keyed writes');
  });

  it('applies every create exactly once when only the clients resend (HAProxy sends no write twice)', async () => {
    const strict = await cluster.startBalancer({ retryKeyedWrites: false });
    await killUnderLoad(strict.url, 1, 'only clients resend writes');
  });

  it('fails no request while every gateway is restarted in turn with SIGTERM under load', async () => {
    const tag = `lb-roll-${randomUUID().slice(0, 8)}-`;
    const tally = newTally();
    let stop = false;
    const load = runClients(8, () => stop, async (client) => {
      if (client % 2 === 0) {
        await requestOnce(tally, `${lb}/v1/catalog/makers`);
      } else {
        const key = randomUUID();
        await requestOnce(tally, `${lb}/v1/quote-requests`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(requestBody(`${tag}${key}`)) });
      }
    });
    await pause(300);
    for (const gateway of cluster.gateways) {
      await gateway.terminate();
      await gateway.start();
      await settle();
    }
    stop = true;
    await load;
    expect(tally.failures).toEqual([]);
    expect(tally.ok).toBeGreaterThan(100);
    console.log(`[lb faults] rolling SIGTERM restart of ${cluster.gateways.length} gateways: ${tally.ok} requests, 0 failed`);
  });

  it('keeps serving reads and refuses writes at once while the primary is unreachable, then writes again', async () => {
    await cluster.primary.cut('blackhole');
    for (const gateway of cluster.gateways) {
      await expect
        .poll(async () => ((await (await fetch(`${gateway.url}/health/ready`)).json()) as { checks: { primary: { status: string } } }).checks.primary.status, { timeout: 5000, interval: 100 })
        .toBe('down');
    }
    for (let index = 0; index < 10; index += 1) {
      const read = await fetch(`${lb}/v1/catalog/makers`);
      expect(read.status).toBe(200);
      expect(read.headers.get('x-read-source')).toBe('replica');
    }
    for (const key of [randomUUID(), null]) {
      const started = performance.now();
      const write = await fetch(`${lb}/v1/quote-requests`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(requestBody('primary down')) });
      const elapsedMs = performance.now() - started;
      expect(write.status).toBe(503);
      expect(write.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await write.json()) as { code: string }).code).toBe('database_unavailable');
      expect(elapsedMs).toBeLessThan(2000);
    }

    await cluster.primary.restore();
    for (const gateway of cluster.gateways) {
      await expect.poll(async () => ((await (await fetch(`${gateway.url}/health/ready`)).json()) as { status: string }).status, { timeout: 5000, interval: 100 }).toBe('ready');
    }
    const write = await fetch(`${lb}/v1/quote-requests`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify(requestBody('primary back')) });
    expect(write.status).toBe(201);
  });
});
