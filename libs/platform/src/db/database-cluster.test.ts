import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { unusedLoopbackPort } from '../testing/local-stack.ts';
import { createDatabaseCluster, type ClusterNodeSettings, type DatabaseCluster } from './database-cluster.ts';
import { NoWritableNodeError } from './cluster-errors.ts';

/** Nodes on loopback ports nothing listens on: every connection is refused at once. */
async function refusingNodes(count: number): Promise<ClusterNodeSettings[]> {
  const nodes: ClusterNodeSettings[] = [];
  for (let i = 1; i <= count; i += 1) {
    nodes.push({ name: `node${i}`, host: '127.0.0.1', port: await unusedLoopbackPort(), user: 'nobody', password: 'none', database: 'none', poolSize: 2, connectTimeoutMs: 1000, queryTimeoutMs: 5000 });
  }
  return nodes;
}

describe('database cluster without a reachable node', () => {
  let cluster: DatabaseCluster<unknown> | null = null;
  afterEach(async () => {
    await cluster?.close();
    cluster = null;
  });

  it('has no writer, and a write fails at once with NoWritableNodeError', async () => {
    cluster = createDatabaseCluster({ nodes: await refusingNodes(2), checkIntervalMs: 60_000, gtidWaitTimeoutMs: 100 });
    await cluster.start();
    expect(cluster.writer()).toBeNull();
    expect(cluster.nodeHealth().map((node) => [node.name, node.role, node.lastError?.includes('ECONNREFUSED')])).toEqual([
      ['node1', 'unavailable', true],
      ['node2', 'unavailable', true],
    ]);
    const started = Date.now();
    await expect(sql`SELECT 1`.execute(cluster.writerDatabase.db)).rejects.toBeInstanceOf(NoWritableNodeError);
    await expect(cluster.read(null, async (db) => sql`SELECT 1`.execute(db))).rejects.toBeInstanceOf(NoWritableNodeError);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('probes every node again when a caller reports a connection failure, not for a query error', async () => {
    cluster = createDatabaseCluster({ nodes: await refusingNodes(1), checkIntervalMs: 60_000, gtidWaitTimeoutMs: 100 });
    await cluster.start();
    const checkedAt = () => cluster!.nodeHealth()[0]!.checkedAt!.getTime();
    const firstCheck = checkedAt();
    cluster.noteFailure(Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(checkedAt()).toBe(firstCheck);
    cluster.noteFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect.poll(checkedAt, { timeout: 2000, interval: 5 }).toBeGreaterThan(firstCheck);
  });

  it('refuses a GTID wait as long as the query timeout, which would cut the wait off client-side', async () => {
    const nodes = await refusingNodes(1);
    expect(() => createDatabaseCluster({ nodes, checkIntervalMs: 60_000, gtidWaitTimeoutMs: 3000, writeTimeoutMs: 3000 })).toThrow(RangeError);
    expect(() => createDatabaseCluster({ nodes, checkIntervalMs: 60_000, gtidWaitTimeoutMs: 5000 })).toThrow(RangeError);
  });
});
