/**
 * The cluster kit against the local stack's three Galera nodes (galera-1 to galera-3). Nodes are made unreachable only
 * through a proxy in front of them, for this test's connections alone: the nodes keep running
 * and the cluster keeps its quorum.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Generated, Kysely } from 'kysely';
import type mysql from 'mysql2/promise';
import { connectToGaleraNode, galeraNodeSettings } from '../testing/local-stack.ts';
import { startCuttableProxy, type CuttableProxy } from '../testing/tcp-proxy.ts';
import { isClusterUnavailable } from './cluster-errors.ts';
import type { ClusterReadDecisionReason } from './cluster-read-session.ts';
import { createDatabaseCluster, type ClusterNodeSettings, type DatabaseCluster } from './database-cluster.ts';
import { clusterGtidOf } from './galera-dialect.ts';
import { createUnitOfWork } from './unit-of-work.ts';

interface Schema {
  cluster_kit_notes: { id: Generated<number>; note: string };
}

const table = 'cluster_kit_notes';

async function insertNote(cluster: DatabaseCluster<Schema>, note: string): Promise<{ id: number; gtid: string | null }> {
  const { result, gtid } = await createUnitOfWork(cluster.writerDatabase).run((trx) => trx.insertInto(table).values({ note }).executeTakeFirstOrThrow());
  return { id: Number(result.insertId), gtid };
}

const findNote = (db: Kysely<Schema>, id: number) => db.selectFrom(table).select(['id', 'note']).where('id', '=', id).executeTakeFirst();

let admin: mysql.Connection;
let nodes: ClusterNodeSettings[];
let cluster: DatabaseCluster<Schema> | null = null;
let proxy: CuttableProxy | null = null;

beforeAll(async () => {
  nodes = galeraNodeSettings();
  admin = await connectToGaleraNode('admin', 1);
  await admin.query(`CREATE TABLE IF NOT EXISTS ${table} (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100) NOT NULL) ENGINE=InnoDB`);
});

afterEach(async () => {
  await cluster?.close();
  await proxy?.close();
  cluster = null;
  proxy = null;
});

afterAll(async () => {
  await admin?.query(`DROP TABLE IF EXISTS ${table}`);
  await admin?.end();
});

describe('database cluster on the local Galera nodes', () => {
  it('writes on node 1 and reads the write back on another node with its token', async () => {
    const decisions: ClusterReadDecisionReason[] = [];
    cluster = createDatabaseCluster<Schema>({ nodes, checkIntervalMs: 1000, gtidWaitTimeoutMs: 2000, onReadDecision: (reason) => decisions.push(reason) });
    await cluster.start();
    expect(cluster.writer()?.name).toBe(nodes[0]!.name);
    expect(cluster.readers().map((node) => node.name)).toEqual([nodes[1]!.name, nodes[2]!.name]);
    expect(cluster.nodeHealth().map((node) => [node.role, node.state?.localStateComment, node.state?.clusterStatus, node.state?.clusterSize])).toEqual([
      ['writer', 'Synced', 'Primary', 3],
      ['reader', 'Synced', 'Primary', 3],
      ['reader', 'Synced', 'Primary', 3],
    ]);

    const written = await insertNote(cluster, 'read your writes');
    expect(written.gtid).toMatch(/^\d+-\d+-\d+$/);
    expect(clusterGtidOf(written.gtid!, cluster.nodeHealth()[0]!.gtidIdentity!)).toBe(written.gtid);

    const session = cluster.openReadSession(written.gtid);
    const readOn: string[] = [];
    const row = await session.run(async (db, choice) => {
      readOn.push(choice.node);
      return findNote(db, written.id);
    });
    expect(row).toEqual({ id: written.id, note: 'read your writes' });
    expect(readOn).toEqual([nodes[1]!.name]);
    expect(decisions).toEqual(['reader_gtid_reached']);
    expect(session.freshness()).toEqual({ source: 'replica', lagBoundMs: 0 });

    // A token ahead of everything the cluster committed: the reader's wait runs out and the read goes to the writer.
    const [domain, server, sequence] = written.gtid!.split('-');
    const started = Date.now();
    const ahead = cluster.openReadSession(`${domain}-${server}-${Number(sequence) + 1_000_000}`);
    await ahead.run((db) => findNote(db, written.id));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(decisions).toEqual(['reader_gtid_reached', 'writer_gtid_timeout']);
    expect(ahead.freshness()).toEqual({ source: 'primary', lagBoundMs: 0 });

    // The same token again, readers in turn: a reader whose wait reached it reads at once (no wait
    // statement), the other waits once and then reads at once too.
    const again: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const repeat = cluster.openReadSession(written.gtid);
      expect(await repeat.run(async (db, choice) => (again.push(`${choice.node} ${choice.reason}`), findNote(db, written.id)))).toEqual({ id: written.id, note: 'read your writes' });
      expect(repeat.freshness()).toEqual({ source: 'replica', lagBoundMs: 0 });
    }
    expect(again).toEqual([`${nodes[1]!.name} reader_gtid_known`, `${nodes[2]!.name} reader_gtid_reached`, `${nodes[1]!.name} reader_gtid_known`, `${nodes[2]!.name} reader_gtid_known`]);
  });

  it.each(['refuse', 'blackhole'] as const)('moves the writer to node 2 when node 1 stops answering (%s), and back once it answers', async (mode) => {
    proxy = await startCuttableProxy({ host: nodes[0]!.host, port: nodes[0]!.port });
    const viaProxy: ClusterNodeSettings[] = [{ ...nodes[0]!, port: proxy.port, connectTimeoutMs: 1000 }, nodes[1]!, nodes[2]!];
    // Probes every minute: only the re-probes that failures trigger can move the writer within the test.
    cluster = createDatabaseCluster<Schema>({ nodes: viaProxy, checkIntervalMs: 60_000, probeTimeoutMs: 500, gtidWaitTimeoutMs: 500, writeTimeoutMs: 3000 });
    await cluster.start();
    expect(cluster.writer()?.name).toBe(nodes[0]!.name);
    const before = await insertNote(cluster, `before ${mode}`);

    await proxy.cut(mode);
    const cutAt = Date.now();
    const refused: unknown[] = [];
    let after: { id: number } | null = null;
    while (after === null) {
      if (Date.now() - cutAt > 10_000) throw new Error(`no write accepted within 10 s of the cut; refusals: ${refused.length}`);
      try {
        after = await insertNote(cluster, `after ${mode}`);
      } catch (error) {
        if (!isClusterUnavailable(error)) throw error;
        refused.push(error);
        cluster.noteFailure(error);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const acceptedAfterMs = Date.now() - cutAt;
    expect(cluster.writer()?.name).toBe(nodes[1]!.name);
    expect(acceptedAfterMs).toBeLessThan(3000);
    console.info(`${mode}: writes accepted again ${acceptedAfterMs} ms after the cut, ${refused.length} refused in between`);

    // Both writes are in the cluster, as node 2 sees it directly.
    const node2 = await connectToGaleraNode('admin', 2);
    try {
      const [rows] = await node2.query(`SELECT id FROM ${table} WHERE id IN (?, ?) ORDER BY id`, [before.id, after.id]);
      expect((rows as Array<{ id: number }>).map((row) => Number(row.id))).toEqual([before.id, after.id]);
    } finally {
      await node2.end();
    }
    expect(cluster.nodeHealth()[0]).toMatchObject({ role: 'unavailable', state: null });

    await proxy.restore();
    await cluster.recheckNow();
    expect(cluster.writer()?.name).toBe(nodes[0]!.name);
    await insertNote(cluster, `restored ${mode}`);
  });

  it('started while node 1 is unreachable, writes on node 2 and reads the write back on node 3', async () => {
    proxy = await startCuttableProxy({ host: nodes[0]!.host, port: nodes[0]!.port });
    cluster = createDatabaseCluster<Schema>({ nodes: [{ ...nodes[0]!, port: proxy.port }, nodes[1]!, nodes[2]!], checkIntervalMs: 60_000, probeTimeoutMs: 500, gtidWaitTimeoutMs: 500 });
    await proxy.cut('refuse');
    await cluster.start();
    expect(cluster.writer()?.name).toBe(nodes[1]!.name);
    expect(cluster.readers().map((node) => node.name)).toEqual([nodes[2]!.name]);
    const written = await insertNote(cluster, 'with node 1 cut');
    const readOn: string[] = [];
    const row = await cluster.read(written.gtid, async (db, choice) => {
      readOn.push(`${choice.node} ${choice.reason}`);
      return findNote(db, written.id);
    });
    expect(row?.note).toBe('with node 1 cut');
    expect(readOn).toEqual([`${nodes[2]!.name} reader_gtid_reached`]);
  });

  it('keeps its writer through a moment in which no node answers a probe (this process starved, say), and drops it once that lasts beyond the grace', async () => {
    const proxies = await Promise.all(nodes.map((node) => startCuttableProxy({ host: node.host, port: node.port })));
    try {
      const writerChanges: Array<string | null> = [];
      cluster = createDatabaseCluster<Schema>({
        nodes: nodes.map((node, index) => ({ ...node, port: proxies[index]!.port })),
        checkIntervalMs: 60_000,
        probeTimeoutMs: 300,
        silentRoundGraceMs: 1500,
        gtidWaitTimeoutMs: 200,
        onWriterChange: (_from, to) => writerChanges.push(to),
      });
      await cluster.start();
      const written = await insertNote(cluster, 'before the silence');

      // Every node silent for one round, well within the grace: the roles stay as they were.
      await Promise.all(proxies.map((each) => each.cut('stall')));
      await cluster.recheckNow();
      expect(cluster.writer()?.name).toBe(nodes[0]!.name);
      expect(cluster.readers().map((node) => node.name)).toEqual([nodes[1]!.name, nodes[2]!.name]);
      expect(cluster.nodeHealth()[0]!.lastError).toMatch(/no node answered this round, so its state of \d+ ms ago is kept$/);
      await Promise.all(proxies.map((each) => each.restore()));
      await cluster.recheckNow();
      expect(cluster.nodeHealth().map((node) => node.lastError)).toEqual([null, null, null]);
      const row = await cluster.read(written.gtid, async (db) => findNote(db, written.id));
      expect(row?.note).toBe('before the silence');
      expect(writerChanges).toEqual([nodes[0]!.name]);

      // Silent beyond the grace: no writer, and requests are refused at once again.
      await Promise.all(proxies.map((each) => each.cut('stall')));
      const silentSince = Date.now();
      while (cluster.writer() !== null && Date.now() - silentSince < 10_000) await cluster.recheckNow();
      expect(cluster.writer()).toBeNull();
      expect(Date.now() - silentSince).toBeGreaterThanOrEqual(1500 - 300);
      expect(writerChanges).toEqual([nodes[0]!.name, null]);
      await Promise.all(proxies.map((each) => each.restore()));
      await cluster.recheckNow();
      expect(cluster.writer()?.name).toBe(nodes[0]!.name);
    } finally {
      await cluster?.close();
      cluster = null;
      await Promise.all(proxies.map((each) => each.close()));
    }
  });
});
