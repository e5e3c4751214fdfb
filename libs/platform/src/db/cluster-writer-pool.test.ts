import { describe, expect, it } from 'vitest';
import { CompiledQuery, Kysely, MysqlDialect, type MysqlQueryResult } from 'kysely';
import { isClusterUnavailable, NoWritableNodeError } from './cluster-errors.ts';
import { createWriterPool, type NodeConnection, type NodePool } from './cluster-writer-pool.ts';

/** A stand-in node pool whose connections answer every query with the node's name. */
function fakeNodePool(name: string, failure?: Error): NodePool & { lent: number; released: number } {
  const pool = {
    lent: 0,
    released: 0,
    getConnection(callback: (error: unknown, connection: NodeConnection) => void) {
      if (failure) return callback(failure, undefined as never);
      pool.lent += 1;
      const connection = {
        query(_sql: string, _parameters: unknown[], answer?: (error: unknown, result: MysqlQueryResult) => void) {
          answer?.(null, [{ node: name }]);
          return { stream: () => ({ [Symbol.asyncIterator]: () => [][Symbol.iterator]() }) } as never;
        },
        release: () => void (pool.released += 1),
        destroy: () => {},
      } as NodeConnection;
      callback(null, connection);
    },
    end: (callback: (error: unknown) => void) => callback(null),
  };
  return pool;
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3311'), { code: 'ECONNREFUSED' });

function setup(pools: Record<string, NodePool>) {
  let writer: string | null = 'node1';
  const unavailable: unknown[] = [];
  const db = new Kysely<unknown>({
    dialect: new MysqlDialect({
      pool: createWriterPool({ currentWriterPool: () => (writer === null ? null : pools[writer]!), onUnavailable: (error) => unavailable.push(error) }),
    }),
  });
  const whichNode = async () => (await db.executeQuery<{ node: string }>(CompiledQuery.raw('SELECT 1'))).rows[0]?.node;
  return { db, whichNode, unavailable, moveWriter: (to: string | null) => (writer = to) };
}

describe('writer pool', () => {
  it('lends each connection from the current writer, so the next statement after a writer change runs on the new one', async () => {
    const node1 = fakeNodePool('node1');
    const node2 = fakeNodePool('node2');
    const { whichNode, moveWriter, db } = setup({ node1, node2 });
    expect(await whichNode()).toBe('node1');
    moveWriter('node2');
    expect(await whichNode()).toBe('node2');
    expect([node1.lent, node1.released, node2.lent, node2.released]).toEqual([1, 1, 1, 1]);
    await db.destroy();
  });

  it('keeps a transaction on the node it began on even when the writer changes during it', async () => {
    const { db, moveWriter } = setup({ node1: fakeNodePool('node1'), node2: fakeNodePool('node2') });
    const nodes = await db.transaction().execute(async (trx) => {
      const first = (await trx.executeQuery<{ node: string }>(CompiledQuery.raw('SELECT 1'))).rows[0]?.node;
      moveWriter('node2');
      const second = (await trx.executeQuery<{ node: string }>(CompiledQuery.raw('SELECT 1'))).rows[0]?.node;
      return [first, second];
    });
    expect(nodes).toEqual(['node1', 'node1']);
    await db.destroy();
  });

  it('fails at once with NoWritableNodeError when there is no writer', async () => {
    const { whichNode, moveWriter, db } = setup({ node1: fakeNodePool('node1') });
    moveWriter(null);
    const started = Date.now();
    const error = await whichNode().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NoWritableNodeError);
    expect(error).toMatchObject({ code: 'ER_NO_WRITABLE_NODE' });
    expect(isClusterUnavailable(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(50);
    await db.destroy();
  });

  it('reports a writer whose pool cannot connect, so the cluster is probed again', async () => {
    const { whichNode, unavailable, db } = setup({ node1: fakeNodePool('node1', refused()) });
    await expect(whichNode()).rejects.toThrow('ECONNREFUSED');
    expect(unavailable).toHaveLength(1);
    await db.destroy();
  });

  it('drops a connection whose statement timed out, so the ROLLBACK fails at once instead of queueing behind it', async () => {
    const sent: string[] = [];
    let destroyed = false;
    // mysql2 reports a timeout and keeps the connection; the server still runs the statement, so anything sent next would wait.
    const connection: NodeConnection = {
      query(sql: string, _parameters: unknown[], answer?: (error: unknown, result: MysqlQueryResult) => void) {
        sent.push(sql);
        if (sql === 'begin') answer?.(null, []);
        else if (sql.startsWith('insert')) answer?.(Object.assign(new Error('Query inactivity timeout'), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }), undefined as never);
        return undefined as never; // anything after the timed-out insert never gets an answer
      },
      release: () => {},
      destroy: () => void (destroyed = true),
    };
    const pool: NodePool = { getConnection: (callback) => callback(null, connection) };
    const { db, unavailable } = setup({ node1: pool });
    const started = Date.now();
    const failure = await db
      .transaction()
      .execute((trx) => trx.executeQuery(CompiledQuery.raw('insert into notes values (1)')))
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'PROTOCOL_SEQUENCE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(50);
    expect(sent).toEqual(['begin', 'insert into notes values (1)']);
    expect(destroyed).toBe(true);
    expect(unavailable).toHaveLength(1);
    await db.destroy();
  });

  it('leaves the node pools open when its Kysely is destroyed (the cluster ends them)', async () => {
    const { db } = setup({ node1: fakeNodePool('node1') });
    await expect(db.destroy()).resolves.toBeUndefined();
  });
});

it('tells cluster outages from query errors', () => {
  expect(isClusterUnavailable(refused())).toBe(true);
  expect(isClusterUnavailable(Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047 }))).toBe(true);
  expect(isClusterUnavailable(Object.assign(new Error('Deadlock found'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' }))).toBe(false);
  expect(isClusterUnavailable(Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR' }))).toBe(false);
});
