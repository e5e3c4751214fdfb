/**
 * The gateway in cluster mode (DB_CLUSTER_NODES) against the local stack's three Galera nodes, in a
 * database of its own migrated on the cluster by `db:migrate`. Two gateway instances share the
 * cluster; every connection of theirs goes through a loopback proxy per node, so the test can make
 * nodes unreachable for them while the shared nodes run on (their group traffic bypasses the proxies).
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStackSettings, prepareClusterTestDatabase, startCuttableProxy, type CuttableProxy } from '@chucar/platform/testing';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, expectProblem, testPassword, uniqueEmail } from '../testing/test-app.ts';

const clusterTestDatabase = 'chucar_cluster_test';

type Readiness = { status: string; checks: Record<string, { status: string; critical: boolean; detail?: string }> };

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

describe('gateway on the Galera cluster (real nodes, behind proxies)', () => {
  const nodePorts = localStackSettings().DB_GALERA_PORTS;
  let proxies: CuttableProxy[];
  let gatewayA: GatewayApp;
  let gatewayB: GatewayApp;
  let admin: mysql.Connection;

  const signUp = (app: GatewayApp, email: string, key?: string) =>
    app.inject({ method: 'POST', url: '/v1/auth/customers', headers: key ? { 'idempotency-key': key } : {}, payload: { email, password: testPassword, displayName: 'cluster' } });
  const readiness = async (app: GatewayApp) => (await app.inject({ method: 'GET', url: '/health/ready' })).json() as Readiness;
  const nodeCheck = (proxy: CuttableProxy) => `cluster_node 127.0.0.1:${proxy.port}`;
  const accountsWithEmail = async (email: string) => {
    const [rows] = await admin.query('SELECT COUNT(*) AS n FROM accounts WHERE email = ?', [email]);
    return Number((rows as { n: number }[])[0]!.n);
  };

  beforeAll(async () => {
    await prepareClusterTestDatabase(clusterTestDatabase);
    proxies = await Promise.all(nodePorts.map((port) => startCuttableProxy({ host: '127.0.0.1', port })));
    const overrides = {
      DB_NAME: clusterTestDatabase,
      DB_CLUSTER_NODES: proxies.map((proxy) => `127.0.0.1:${proxy.port}`).join(','),
      DB_CLUSTER_CHECK_INTERVAL_MS: '200',
      DB_CONNECT_TIMEOUT_MS: '1000',
      GTID_WAIT_TIMEOUT_MS: '500',
    };
    gatewayA = await buildTestApp(overrides);
    gatewayB = await buildTestApp(overrides);
    // Checks below the gateway go straight to node 3, which no test cuts.
    const stack = localStackSettings();
    admin = await mysql.createConnection({ host: '127.0.0.1', port: nodePorts[2], user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, database: clusterTestDatabase, connectTimeout: 5000 });
  });

  afterAll(async () => {
    await admin?.end();
    await gatewayA?.close();
    await gatewayB?.close();
    await Promise.all((proxies ?? []).map((proxy) => proxy.close()));
  });

  it('creates once under an Idempotency-Key on one instance, and another instance reads it with the token on a reader node', async () => {
    const email = uniqueEmail('cluster');
    const key = randomUUID();
    const created = await signUp(gatewayA, email, key);
    expect(created.statusCode, created.body).toBe(201);
    const token = String(created.headers['x-consistency-token']);
    // The commit's own GTID on the writer, in the cluster's domain and server id (wsrep_gtid_mode).
    expect(token).toMatch(/^\d+-\d+-\d+$/);
    const session = created.json() as { account: { id: number }; accessToken: string };

    const me = await gatewayB.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${session.accessToken}`, 'x-consistency-token': token } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ id: session.account.id, email });
    // Node 1 writes; node 2 or 3 reached the token before answering, so the read is fresh for this client.
    expect(me.headers['x-read-source']).toBe('replica');
    expect(me.headers['x-read-lag-bound-ms']).toBe('0');

    const replayed = await signUp(gatewayB, email, key);
    expect(replayed.statusCode, replayed.body).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect((replayed.json() as { account: { id: number } }).account.id).toBe(session.account.id);
    expect(await accountsWithEmail(email)).toBe(1);
  });

  it('lists every node in readiness, with the writer, and exports the cluster metrics', async () => {
    const ready = await readiness(gatewayA);
    expect(ready.status).toBe('ready');
    expect(Object.keys(ready.checks).filter((name) => name.startsWith('cluster_node ')).sort()).toEqual(proxies.map(nodeCheck).sort());
    expect(ready.checks[nodeCheck(proxies[0]!)]).toMatchObject({ status: 'up', critical: false, detail: expect.stringMatching(/^writer, Synced/) });
    expect(ready.checks[nodeCheck(proxies[1]!)]).toMatchObject({ status: 'up', detail: expect.stringMatching(/^reader, Synced/) });
    expect(ready.checks['cluster_writer']).toMatchObject({ status: 'up', critical: false, detail: `writes go to 127.0.0.1:${proxies[0]!.port}` });
    const metrics = (await gatewayA.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain(`db_cluster_writer{node="127.0.0.1:${proxies[0]!.port}"} 1`);
    expect(metrics).toContain(`db_cluster_node_synced{node="127.0.0.1:${proxies[2]!.port}"} 1`);
    expect(metrics).toMatch(/db_cluster_size 3/);
    expect(metrics).toMatch(/db_cluster_read_decisions_total\{reason="reader_gtid_reached"\} \d+/);
  });

  it('reads a token a reader already reached there at once, and waits again on a reader that stopped serving since, though no read saw it go', async () => {
    const created = await signUp(gatewayA, uniqueEmail('reached'));
    expect(created.statusCode, created.body).toBe(201);
    const token = String(created.headers['x-consistency-token']);
    const { accessToken } = created.json() as { accessToken: string };
    const readWithToken = async () => {
      const me = await gatewayB.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${accessToken}`, 'x-consistency-token': token } });
      expect(me.statusCode, me.body).toBe(200);
      expect(me.headers['x-read-lag-bound-ms']).toBe('0');
    };
    const decisions = async () => {
      const metrics = (await gatewayB.inject({ method: 'GET', url: '/metrics' })).body;
      const count = (reason: string) => Number(new RegExp(`db_cluster_read_decisions_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
      return { reached: count('reader_gtid_reached'), known: count('reader_gtid_known') };
    };
    const servesNode2 = () => (gatewayB.databases.cluster?.readers() ?? []).some((reader) => reader.port === proxies[1]!.port);

    // Nodes 2 and 3 take reads in turn: each waits for the token once, then knows it.
    for (let read = 0; read < 2; read += 1) await readWithToken();
    const warm = await decisions();
    for (let read = 0; read < 2; read += 1) await readWithToken();
    expect(await decisions()).toEqual({ reached: warm.reached, known: warm.known + 2 });

    // Node 2 goes away for gateway B and comes back, and no read runs meanwhile.
    await proxies[1]!.cut('refuse');
    try {
      await waitFor('gateway B to stop reading on node 2', async () => !servesNode2(), 5000);
    } finally {
      await proxies[1]!.restore();
    }
    await waitFor('gateway B to read on node 2 again', async () => servesNode2(), 10_000);
    const back = await decisions();
    for (let read = 0; read < 2; read += 1) await readWithToken();
    // Node 2 waits for the token again (what it reached before it left is not trusted); node 3 still knows it.
    expect(await decisions()).toEqual({ reached: back.reached + 1, known: back.known + 1 });
  });

  it('moves writes to node 2 within 10 s when the writer node hangs, keeps answering reads, and a retried create replays the one row', async () => {
    // A create whose answer the client never got (the writer died around the commit): the server
    // holds the row and its key, or neither; here it holds both, the case a duplicate could come from.
    const email = uniqueEmail('in-doubt');
    const key = randomUUID();
    const lost = await signUp(gatewayA, email, key);
    expect(lost.statusCode, lost.body).toBe(201);
    const accountId = (lost.json() as { account: { id: number } }).account.id;

    await proxies[0]!.cut('blackhole');
    const cutAt = performance.now();
    const writeStatuses: number[] = [];
    const readStatuses: number[] = [];
    const recoveredMs = await waitFor(
      'a write to succeed again',
      async () => {
        const [write, read] = await Promise.all([signUp(gatewayA, uniqueEmail('failover')), gatewayB.inject({ method: 'GET', url: '/v1/catalog/makers' })]);
        writeStatuses.push(write.statusCode);
        readStatuses.push(read.statusCode);
        if (write.statusCode !== 201) expectProblem(write, 503);
        return write.statusCode === 201;
      },
      10_000,
    );
    expect(readStatuses.every((status) => status === 200), `reads answered ${readStatuses.join(',')}`).toBe(true);
    console.log(`writer node cut (blackhole): writes succeed again after ${Math.round(performance.now() - cutAt)} ms; write answers ${writeStatuses.join(',')}; reads ${readStatuses.join(',')}`);
    expect(recoveredMs).toBeLessThan(10_000);

    const ready = await gatewayA.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      checks: { [nodeCheck(proxies[0]!)]: { status: 'degraded', critical: false }, cluster_writer: { status: 'up', detail: `writes go to 127.0.0.1:${proxies[1]!.port}` } },
    });

    // The client retries on the other instance, which now writes to node 2.
    await waitFor('gateway B to move its writes to node 2', async () => gatewayB.databases.cluster?.writer()?.port === proxies[1]!.port, 5000);
    const retried = await signUp(gatewayB, email, key);
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect((retried.json() as { account: { id: number } }).account.id).toBe(accountId);
    expect(await accountsWithEmail(email)).toBe(1);
  });

  it('writes to node 3 with nodes 1 and 2 cut (their quorum holds behind the proxies); with all three cut, writes and reads answer 503 at once and readiness stays degraded', async () => {
    await proxies[1]!.cut('refuse');
    const cutAt = performance.now();
    await waitFor('a write to succeed on node 3', async () => (await signUp(gatewayA, uniqueEmail('node-3'))).statusCode === 201, 10_000);
    console.log(`second node cut (refuse): writes on node 3 after ${Math.round(performance.now() - cutAt)} ms`);
    const read = await gatewayA.inject({ method: 'GET', url: '/v1/catalog/makers' });
    expect(read.statusCode, read.body).toBe(200);
    // The only node left serves reads as the writer.
    expect(read.headers['x-read-source']).toBe('primary');
    expect((await readiness(gatewayA)).checks[nodeCheck(proxies[1]!)]).toMatchObject({ status: 'degraded' });

    await proxies[2]!.cut('refuse');
    await waitFor('readiness to report no writer', async () => (await readiness(gatewayA)).checks['cluster_writer']?.status === 'degraded', 5000);
    const writeStarted = performance.now();
    const write = await signUp(gatewayA, uniqueEmail('no-writer'));
    const writeMs = performance.now() - writeStarted;
    expectProblem(write, 503, 'database_unavailable');
    expect(write.headers['retry-after']).toBe('5');
    const readStarted = performance.now();
    const unreadable = await gatewayA.inject({ method: 'GET', url: '/v1/catalog/makers' });
    const readMs = performance.now() - readStarted;
    expectProblem(unreadable, 503, 'database_unavailable');
    console.log(`no reachable node: a write answered 503 in ${writeMs.toFixed(1)} ms, a read in ${readMs.toFixed(1)} ms`);
    expect(writeMs).toBeLessThan(500);
    expect(readMs).toBeLessThan(500);
    const ready = await gatewayA.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'degraded', checks: { cluster_writer: { status: 'degraded', critical: false, detail: expect.stringMatching(/writes answer 503/) } } });

    await Promise.all(proxies.map((proxy) => proxy.restore()));
    const restoredAt = performance.now();
    await waitFor('writes to return to node 1', async () => gatewayA.databases.cluster?.writer()?.port === proxies[0]!.port, 10_000);
    const backStarted = performance.now();
    const back = await signUp(gatewayA, uniqueEmail('restored'));
    expect(back.statusCode, back.body).toBe(201);
    // For scale: a sign-up that succeeds spends most of its time hashing the password, as the refused one did.
    console.log(`proxies restored: writes on node 1 again after ${Math.round(backStarted - restoredAt)} ms; a successful sign-up took ${(performance.now() - backStarted).toFixed(1)} ms`);
  });
});
