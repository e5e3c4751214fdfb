/**
 * Read-your-writes and lag/fault-aware routing against the real replica: the tests stop its SQL
 * thread, shut it down and bring it back, and check that no user misses their own write.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onReplicaAsAdmin, waitForReplicaToCatchUp } from '@chucar/platform/testing';
import type { ReadDecisionReason, ReplicaState } from '@chucar/platform';
import { shutDownServer, startReplicaSqlThread, startReplication, stopReplicaSqlThread } from '@chucar/platform/testing';
import type { GatewayApp } from '../app.ts';
import { buildTestApp, quoteRequestBody, signInStaff, signUpCustomer, someTrim, type Session } from '../testing/test-app.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const run = promisify(execFile);

async function decisionCount(app: GatewayApp, reason: ReadDecisionReason): Promise<number> {
  const metric = await app.metricsRegistry.getSingleMetric('gateway_read_decisions_total')?.get();
  return metric?.values.find((value) => value.labels['reason'] === reason)?.value ?? 0;
}

/** Where the answer says its reads ran, and the staleness bound it states. */
function servedBy(response: { headers: Record<string, unknown> }): { source: unknown; lagBoundMs: number } {
  return { source: response.headers['x-read-source'], lagBoundMs: Number(response.headers['x-read-lag-bound-ms']) };
}

/** Polls the router's own checks (bounded) until the replica reaches `state`. */
async function waitForReplicaState(app: GatewayApp, state: ReplicaState, timeoutMs = 20_000): Promise<void> {
  const router = app.databases.router;
  if (!router) throw new Error('the gateway runs on a cluster, not on a primary and replica');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await router.checkNow()).state === state) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`replica did not become ${state} within ${timeoutMs} ms (now ${JSON.stringify(router.health())})`);
}

describe('replica-aware reads (real primary and replica)', () => {
  let app: GatewayApp;
  let customer: Session;
  let analyst: Session;
  let trimId: number;

  beforeAll(async () => {
    // A short GTID wait keeps the test fast; production default is 100 ms.
    app = await buildTestApp({ REPLICA_MAX_LAG_S: '1', REPLICA_RECOVER_LAG_S: '0.5', GTID_WAIT_TIMEOUT_MS: '100' });
    customer = await signUpCustomer(app, 'ryw-customer');
    analyst = await signInStaff(app, 'analyst');
    trimId = (await someTrim(app)).id;
    await waitForReplicaState(app, 'healthy');
  });

  afterAll(async () => {
    // Leave the replica as found, whatever happened above.
    await onReplicaAsAdmin(startReplication).catch(() => {});
    await app?.close();
  });

  it('serves plain reads from a healthy replica', async () => {
    const before = await decisionCount(app, 'replica');
    const response = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { authorization: analyst.headers.authorization } });
    expect(response.statusCode).toBe(200);
    expect(await decisionCount(app, 'replica')).toBe(before + 1);
    const { source, lagBoundMs } = servedBy(response);
    expect(source).toBe('replica');
    // A healthy replica: lag at most REPLICA_MAX_LAG_S, plus the heartbeat's second, plus the check's age.
    expect(lagBoundMs).toBeGreaterThanOrEqual(1000);
    expect(lagBoundMs).toBeLessThan(5000);
  });

  it('with the replica’s SQL thread stopped, the writer still reads their write; others are served (possibly stale)', async () => {
    await onReplicaAsAdmin(stopReplicaSqlThread);
    try {
      const created = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trimId) });
      expect(created.statusCode, created.body).toBe(201);
      const token = String(created.headers['x-consistency-token']);
      const id = created.json().id as number;

      const primaryBefore = (await decisionCount(app, 'primary_gtid_timeout')) + (await decisionCount(app, 'primary_replica_unavailable'));
      const own = await app.inject({ method: 'GET', url: `/v1/quote-requests/${id}`, headers: { ...customer.headers, 'x-consistency-token': token } });
      expect(own.statusCode, own.body).toBe(200);
      expect(own.json().id).toBe(id);
      expect(servedBy(own)).toEqual({ source: 'primary', lagBoundMs: 0 });
      const primaryAfter = (await decisionCount(app, 'primary_gtid_timeout')) + (await decisionCount(app, 'primary_replica_unavailable'));
      expect(primaryAfter).toBe(primaryBefore + 1);

      // Another user without a token is served, from wherever the router decides; never an error.
      const other = await app.inject({ method: 'GET', url: '/v1/quote-requests?limit=100', headers: { authorization: analyst.headers.authorization } });
      expect(other.statusCode).toBe(200);

      // As the lag grows past REPLICA_MAX_LAG_S, the router stops using the replica for everyone.
      await waitForReplicaState(app, 'lagging');
      const fresh = await app.inject({ method: 'GET', url: `/v1/quote-requests/${id}`, headers: { authorization: analyst.headers.authorization } });
      expect(fresh.statusCode, fresh.body).toBe(200);
      expect(fresh.json().id).toBe(id);
      expect(servedBy(fresh)).toEqual({ source: 'primary', lagBoundMs: 0 });
    } finally {
      await onReplicaAsAdmin(startReplicaSqlThread);
    }
    // Back under the recover threshold for several checks in a row: reads return to the replica.
    await waitForReplicaState(app, 'healthy');
    const before = await decisionCount(app, 'replica');
    const returned = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { authorization: analyst.headers.authorization } });
    expect(await decisionCount(app, 'replica')).toBe(before + 1);
    expect(servedBy(returned).source).toBe('replica');
  });

  it('once the replica caught up, a token read is served by the replica after the GTID wait', async () => {
    const created = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trimId) });
    const token = String(created.headers['x-consistency-token']);
    await waitForReplicaToCatchUp(); // the case under test: the replica already has the write
    const before = await decisionCount(app, 'replica_gtid_reached');
    const own = await app.inject({ method: 'GET', url: `/v1/quote-requests/${created.json().id}`, headers: { ...customer.headers, 'x-consistency-token': token } });
    expect(own.statusCode).toBe(200);
    expect(await decisionCount(app, 'replica_gtid_reached')).toBe(before + 1);
    expect(servedBy(own).source).toBe('replica');
  });

  it('with the replica shut down, reads are still served and readiness says degraded; after a restart reads return to it', async () => {
    await onReplicaAsAdmin(shutDownServer);
    try {
      const served = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { authorization: analyst.headers.authorization } });
      expect(served.statusCode, served.body).toBe(200);
      // The replica failed under this very read (or was already known down): it finished on the primary.
      expect(servedBy(served)).toEqual({ source: 'primary', lagBoundMs: 0 });
      await waitForReplicaState(app, 'down');
      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().checks.replica.status).toBe('degraded');
      const created = await app.inject({ method: 'POST', url: '/v1/quote-requests', headers: customer.headers, payload: quoteRequestBody(trimId) });
      expect(created.statusCode).toBe(201);
      const own = await app.inject({ method: 'GET', url: `/v1/quote-requests/${created.json().id}`, headers: { ...customer.headers, 'x-consistency-token': String(created.headers['x-consistency-token']) } });
      expect(own.statusCode).toBe(200);
      expect(servedBy(own)).toEqual({ source: 'primary', lagBoundMs: 0 });
    } finally {
      await run(process.execPath, ['tools/stack/cli.ts', 'up'], { cwd: repoRoot, timeout: 120_000 });
    }
    await waitForReplicaState(app, 'healthy', 60_000);
    const before = await decisionCount(app, 'replica');
    const back = await app.inject({ method: 'GET', url: '/v1/quote-requests', headers: { authorization: analyst.headers.authorization } });
    expect(back.statusCode).toBe(200);
    expect(servedBy(back).source).toBe('replica');
    expect(await decisionCount(app, 'replica')).toBe(before + 1);
  });
});
