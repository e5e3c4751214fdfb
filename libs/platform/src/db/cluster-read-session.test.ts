import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { ClusterNodeAddress } from './cluster-monitor.ts';
import { createClusterReadSessions, type ClusterReadDecisionReason } from './cluster-read-session.ts';
import { NoWritableNodeError } from './cluster-errors.ts';
import type { RunSql } from './mariadb-dialect.ts';

const node = (name: string): ClusterNodeAddress => ({ name, host: '127.0.0.1', port: 0 });
const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' });

/**
 * Nodes that answer only the GTID wait; each node's "db" is its name, which the reads return.
 * `wait` per node: 'reached', 'timeout' (1205), or an error to throw.
 */
/**
 * `periods`: each node's period of serving as the monitor numbers them (1 unless set); a node
 * outside the writer and the readers does not serve (null).
 */
function setup(topology: { writer: string | null; readers: string[]; reachable?: boolean; identity?: { domainId: number; serverId: number; gtidModeOn: boolean }; periods?: Record<string, number> }, wait: Record<string, 'reached' | 'timeout' | Error> = {}, onRecheck: () => void = () => {}) {
  const decisions: ClusterReadDecisionReason[] = [];
  const waitedOn: string[] = [];
  let rechecks = 0;
  const identity = { domainId: 100, serverId: 1, gtidModeOn: true };
  const sessions = createClusterReadSessions<unknown>({
    monitor: {
      writer: () => (topology.writer === null ? null : node(topology.writer)),
      readers: () => topology.readers.map(node),
      gtidIdentity: () => (topology.writer === null ? null : (topology.identity ?? identity)),
      reachable: () => topology.reachable ?? topology.writer !== null,
      servingPeriod: (name) => (name === topology.writer || topology.readers.includes(name) ? (topology.periods?.[name] ?? 1) : null),
      recheckNow: async () => {
        rechecks += 1;
        onRecheck();
      },
    },
    databaseOf(address) {
      const runSql: RunSql = async () => {
        waitedOn.push(address.name);
        const answer = wait[address.name] ?? 'reached';
        if (answer instanceof Error) throw answer;
        if (answer === 'timeout') throw Object.assign(new Error('Lock wait timeout exceeded'), { errno: 1205 });
        return [{ reached: 1 }];
      };
      return { db: address.name as unknown as Kysely<unknown>, runSql, queryRows: async () => [] };
    },
    gtidWaitTimeoutMs: 20,
    readerLagBoundMs: 1000,
    viewChangeWaitMs: 300,
    onDecision: (reason) => decisions.push(reason),
  });
  return { sessions, decisions, waitedOn, rechecks: () => rechecks };
}

const readName = async (db: Kysely<unknown>) => db as unknown as string;

describe('cluster read sessions', () => {
  it('reads on the readers in turn when there is no token', async () => {
    const { sessions, decisions } = setup({ writer: 'node1', readers: ['node2', 'node3'] });
    const served = [];
    for (let i = 0; i < 3; i += 1) served.push(await sessions.openSession(null).run(readName));
    expect(served).toEqual(['node2', 'node3', 'node2']);
    expect(decisions).toEqual(['reader', 'reader', 'reader']);
    const session = sessions.openSession(null);
    await session.run(readName);
    expect(session.freshness()).toEqual({ source: 'replica', lagBoundMs: 1000 });
  });

  it('reads on a reader that reached the token, with a lag bound of 0', async () => {
    const { sessions, decisions, waitedOn } = setup({ writer: 'node1', readers: ['node2'] });
    const session = sessions.openSession('100-1-42');
    expect(session.freshness()).toBeNull();
    expect(await session.run(readName)).toBe('node2');
    expect(waitedOn).toEqual(['node2']);
    expect(decisions).toEqual(['reader_gtid_reached']);
    expect(session.freshness()).toEqual({ source: 'replica', lagBoundMs: 0 });
  });

  it('reads at once on a reader that already reached the token (or a later GTID), with a lag bound of 0', async () => {
    const { sessions, decisions, waitedOn } = setup({ writer: 'node1', readers: ['node2'] });
    await sessions.openSession('100-1-42').run(readName);
    const again = sessions.openSession('100-1-42');
    expect(await again.run(readName)).toBe('node2');
    expect(again.freshness()).toEqual({ source: 'replica', lagBoundMs: 0 });
    expect(await sessions.openSession('100-1-41').run(readName)).toBe('node2');
    expect(waitedOn).toEqual(['node2']);
    expect(decisions).toEqual(['reader_gtid_reached', 'reader_gtid_known', 'reader_gtid_known']);
    await sessions.openSession('100-1-43').run(readName);
    expect(waitedOn).toEqual(['node2', 'node2']);
  });

  it('remembers what each reader reached on its own, and forgets it when the reader fails, stops serving (a new period) or the cluster identity changes', async () => {
    const topology = { writer: 'node1', readers: ['node2', 'node3'] };
    const { sessions, decisions, waitedOn } = setup(topology);
    for (let i = 0; i < 4; i += 1) await sessions.openSession('100-1-7').run(readName);
    expect(waitedOn).toEqual(['node2', 'node3']);
    expect(decisions.slice(2)).toEqual(['reader_gtid_known', 'reader_gtid_known']);

    // node3 stops serving and serves again (a new period), with no read in between: its first read
    // waits again; node2, serving throughout, still knows.
    const withPeriods: typeof topology & { periods?: Record<string, number> } = topology;
    withPeriods.periods = { node3: 2 };
    waitedOn.length = 0;
    for (let i = 0; i < 2; i += 1) await sessions.openSession('100-1-7').run(readName);
    expect(waitedOn).toEqual(['node3']);

    // A read that fails on its reader for a lost connection (the node going away) drops what that reader reached.
    let failedOn: string | null = null;
    const failOnce = async (db: Kysely<unknown>) => {
      if (failedOn === null) {
        failedOn = await readName(db);
        throw lost();
      }
      return readName(db);
    };
    expect(await sessions.openSession('100-1-7').run(failOnce)).toBe('node1');
    waitedOn.length = 0;
    for (let i = 0; i < 2; i += 1) await sessions.openSession('100-1-7').run(readName);
    expect(waitedOn).toEqual([failedOn]);

    // A cluster with another identity (bootstrapped anew) numbers its own GTIDs: nothing carries over.
    const topologyWithIdentity: typeof topology & { identity?: { domainId: number; serverId: number; gtidModeOn: boolean } } = topology;
    topologyWithIdentity.identity = { domainId: 100, serverId: 2, gtidModeOn: true };
    waitedOn.length = 0;
    await sessions.openSession('100-2-5').run(readName);
    expect(waitedOn).toHaveLength(1);
  });

  it('reads on the writer when the reader does not reach the token in time', async () => {
    const { sessions, decisions } = setup({ writer: 'node1', readers: ['node2'] }, { node2: 'timeout' });
    const session = sessions.openSession('100-1-42');
    expect(await session.run(readName)).toBe('node1');
    expect(decisions).toEqual(['writer_gtid_timeout']);
    expect(session.freshness()).toEqual({ source: 'primary', lagBoundMs: 0 });
  });

  it('reads on the writer, and rechecks the cluster, when the reader fails during the wait', async () => {
    const { sessions, decisions, rechecks } = setup({ writer: 'node1', readers: ['node2'] }, { node2: lost() });
    expect(await sessions.openSession('100-1-42').run(readName)).toBe('node1');
    expect(decisions).toEqual(['writer_reader_failed']);
    expect(rechecks()).toBe(1);
  });

  it('does not wait for a token the cluster did not write: such a wait passes at once without proving anything', async () => {
    const { sessions, decisions, waitedOn } = setup({ writer: 'node1', readers: ['node2'] });
    expect(await sessions.openSession('0-1-42').run(readName)).toBe('node1');
    expect(waitedOn).toEqual([]);
    expect(decisions).toEqual(['writer_token_not_from_cluster']);
  });

  it('rejects a token that is not a GTID list before sending it anywhere', async () => {
    const { sessions, waitedOn } = setup({ writer: 'node1', readers: ['node2'] });
    await expect(sessions.openSession("100-1-1'; DROP TABLE x").run(readName)).rejects.toThrow(TypeError);
    expect(waitedOn).toEqual([]);
  });

  it('reads on the writer without waiting when it is the only serving node', async () => {
    const { sessions, decisions, waitedOn } = setup({ writer: 'node1', readers: ['node1'] });
    expect(await sessions.openSession('100-1-42').run(readName)).toBe('node1');
    expect(waitedOn).toEqual([]);
    expect(decisions).toEqual(['writer_only_node']);
  });

  it('fails at once with NoWritableNodeError when no node serves and none answers (all down or cut off)', async () => {
    const { sessions, rechecks } = setup({ writer: null, readers: [], reachable: false });
    await expect(sessions.openSession(null).run(readName)).rejects.toBeInstanceOf(NoWritableNodeError);
    // No probe and so no wait: it answered at once.
    expect(rechecks()).toBe(0);
  });

  it('waits out a view change: with nodes answering but none serving, it probes again until one serves', async () => {
    const topology: { writer: string | null; readers: string[]; reachable?: boolean } = { writer: null, readers: [], reachable: true };
    let probes = 0;
    const { sessions, decisions } = setup(topology, {}, () => {
      probes += 1;
      if (probes === 2) Object.assign(topology, { writer: 'node1', readers: ['node2'] });
    });
    expect(await sessions.openSession(null).run(readName)).toBe('node2');
    expect(probes).toBe(2);
    expect(decisions).toEqual(['reader']);
  });

  it('gives up on a view change after viewChangeWaitMs (quorum lost): NoWritableNodeError', async () => {
    const { sessions, rechecks } = setup({ writer: null, readers: [], reachable: true });
    const started = Date.now();
    await expect(sessions.openSession(null).run(readName)).rejects.toBeInstanceOf(NoWritableNodeError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(rechecks()).toBeGreaterThanOrEqual(2);
  });

  it('repeats a read refused mid view change on the writer that serves after it, the same node included', async () => {
    const topology: { writer: string | null; readers: string[]; reachable?: boolean } = { writer: 'node1', readers: ['node2'] };
    const notPrepared = Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' });
    let probes = 0;
    const { sessions, decisions } = setup(topology, {}, () => {
      probes += 1;
      // The first probe finds every node outside a primary component; the next, node2 serving alone.
      if (probes === 1) Object.assign(topology, { writer: null, readers: [], reachable: true });
      else Object.assign(topology, { writer: 'node2', readers: ['node2'] });
    });
    let refused = false;
    const read = async (db: Kysely<unknown>) => {
      if (!refused) {
        refused = true;
        throw notPrepared;
      }
      return readName(db);
    };
    expect(await sessions.openSession(null).run(read)).toBe('node2');
    expect(decisions).toEqual(['reader', 'writer_reader_failed']);
  });

  it('repeats a read that failed on the writer on the writer a fresh probe finds', async () => {
    const topology: { writer: string | null; readers: string[] } = { writer: 'node1', readers: ['node1'] };
    const { sessions, decisions, rechecks } = setup(topology, {}, () => Object.assign(topology, { writer: 'node2', readers: ['node2'] }));
    const session = sessions.openSession(null);
    expect(await session.run(async (db) => (String(db) === 'node1' ? Promise.reject(lost()) : readName(db)))).toBe('node2');
    expect(decisions).toEqual(['writer_only_node', 'writer_writer_failed']);
    expect(rechecks()).toBe(1);
    expect(session.freshness()).toEqual({ source: 'primary', lagBoundMs: 0 });
  });

  it('repeats a read on the writer when the reader fails in the middle, and keeps the session there', async () => {
    const { sessions, decisions, rechecks } = setup({ writer: 'node1', readers: ['node2'] });
    const session = sessions.openSession(null);
    const servedBy: string[] = [];
    const read = async (db: Kysely<unknown>) => {
      const name = await readName(db);
      servedBy.push(name);
      if (name === 'node2' && servedBy.length === 2) throw lost();
      return name;
    };
    expect([await session.run(read), await session.run(read), await session.run(read)]).toEqual(['node2', 'node1', 'node1']);
    expect(servedBy).toEqual(['node2', 'node2', 'node1', 'node1']);
    expect(decisions).toEqual(['reader', 'writer_reader_failed']);
    expect(rechecks()).toBe(1);
    expect(session.freshness()).toEqual({ source: 'primary', lagBoundMs: 0 });
  });

  it('repeats a read refused by a node outside the primary component (1047)', async () => {
    const { sessions } = setup({ writer: 'node1', readers: ['node2'] });
    const notPrepared = Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' });
    expect(await sessions.openSession(null).run(async (db) => (String(db) === 'node2' ? Promise.reject(notPrepared) : readName(db)))).toBe('node1');
  });

  it('does not repeat a read whose query itself is wrong, nor one that failed on the writer when a fresh probe finds the same writer', async () => {
    const withReader = setup({ writer: 'node1', readers: ['node2'] });
    const syntax = Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR' });
    await expect(withReader.sessions.openSession(null).run(async () => Promise.reject(syntax))).rejects.toThrow('syntax');
    expect(withReader.rechecks()).toBe(0);
    const writerOnly = setup({ writer: 'node1', readers: ['node1'] });
    await expect(writerOnly.sessions.openSession(null).run(async () => Promise.reject(lost()))).rejects.toThrow('Connection lost');
    expect(writerOnly.rechecks()).toBe(1);
  });
});
