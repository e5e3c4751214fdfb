/**
 * The media API in cluster mode (DB_CLUSTER_NODES) on the local stack's Galera nodes, in a database
 * of its own: an upload is accepted on the writer, and once the writer is unreachable the next
 * upload is accepted on the next node of the list. The API reaches every node through a loopback
 * proxy, so the test cuts a node for it alone; the shared nodes keep running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@chucar/platform';
import { appDatabaseSettings, localStackSettings, prepareClusterTestDatabase, startCuttableProxy, type CuttableProxy } from '@chucar/platform/testing';
import type { Account, Database as Schema } from '@chucar/domain';
import { buildTestApp, openTestDatabase, serviceAuth, testImage, type MediaTestApp, type TestDatabase } from '../testing/api-test-support.ts';

const databaseName = 'chucar_media_cluster_test';

describe('media API on the Galera cluster (real nodes, behind proxies)', () => {
  const nodePorts = localStackSettings().DB_GALERA_PORTS;
  let proxies: CuttableProxy[];
  let media: MediaTestApp;
  let db: TestDatabase;
  let customer: Account;

  const upload = async () =>
    media.app.inject({ method: 'POST', url: '/v1/media', headers: { ...serviceAuth(media.config, customer), 'content-type': 'image/jpeg' }, payload: await testImage('jpeg') });

  beforeAll(async () => {
    await prepareClusterTestDatabase(databaseName);
    proxies = await Promise.all(nodePorts.map((port) => startCuttableProxy({ host: '127.0.0.1', port })));
    media = await buildTestApp({
      DB_NAME: databaseName,
      DB_CLUSTER_NODES: proxies.map((proxy) => `127.0.0.1:${proxy.port}`).join(','),
      DB_CLUSTER_CHECK_INTERVAL_MS: '200',
      DB_CONNECT_TIMEOUT_MS: '1000',
    });
    // Rows are checked on node 3, which no test cuts.
    db = openTestDatabase(createDatabase<Schema>(appDatabaseSettings('primary', { port: nodePorts[2]!, database: databaseName })));
    customer = await db.customer();
  });

  afterAll(async () => {
    await media?.dispose();
    await db?.close();
    await Promise.all((proxies ?? []).map((proxy) => proxy.close()));
  });

  it('accepts an upload on the writer and its row is on every node', async () => {
    const response = await upload();
    expect(response.statusCode, response.body).toBe(202);
    expect(await db.mediaRowsOf(customer.id)).toEqual([expect.objectContaining({ id: response.json().id })]);
  });

  it('accepts uploads again on the next node once the writer is unreachable', async () => {
    await proxies[0]!.cut('refuse');
    try {
      const started = performance.now();
      let response = await upload();
      // The request that finds the writer gone may fail (503, retried by the gateway); the next one is on node 2.
      while (response.statusCode !== 202 && performance.now() - started < 10_000) {
        expect(response.statusCode, response.body).toBe(503);
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await upload();
      }
      expect(response.statusCode, response.body).toBe(202);
      const ids = (await db.mediaRowsOf(customer.id)).map((row) => row.id);
      expect(ids).toContain(response.json().id);
      const ready = (await media.app.inject({ method: 'GET', url: '/health/ready' })).json() as { status: string };
      expect(ready.status).not.toBe('not_ready');
    } finally {
      await proxies[0]!.restore();
    }
  });
});
