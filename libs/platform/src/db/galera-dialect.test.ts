import { describe, expect, it } from 'vitest';
import type { RunSql } from './mariadb-dialect.ts';
import { causalReadsOn, clusterGtidOf, isCommitOutsidePrimaryComponent, isNodeNotPrepared, isServingNode, parseGaleraNodeState, waitForGaleraGtid } from './galera-dialect.ts';

const statusRows = (values: Record<string, string>) => Object.entries(values).map(([Variable_name, Value]) => ({ Variable_name, Value }));

const syncedPrimary = {
  wsrep_local_state: '4',
  wsrep_local_state_comment: 'Synced',
  wsrep_ready: 'ON',
  wsrep_cluster_status: 'Primary',
  wsrep_cluster_size: '3',
  wsrep_connected: 'ON',
  wsrep_last_committed: '42',
};

describe('Galera node state', () => {
  it('reads the status rows a synced node in the primary component returns', () => {
    const state = parseGaleraNodeState(statusRows(syncedPrimary));
    expect(state).toEqual({ localState: 4, localStateComment: 'Synced', ready: true, clusterStatus: 'Primary', clusterSize: 3, connected: true, lastCommitted: 42 });
    expect(isServingNode(state)).toBe(true);
  });

  it('does not serve from a donor, a node outside the primary component or one that is not ready', () => {
    expect(isServingNode(parseGaleraNodeState(statusRows({ ...syncedPrimary, wsrep_local_state: '2', wsrep_local_state_comment: 'Donor/Desynced' })))).toBe(false);
    expect(isServingNode(parseGaleraNodeState(statusRows({ ...syncedPrimary, wsrep_cluster_status: 'non-Primary' })))).toBe(false);
    expect(isServingNode(parseGaleraNodeState(statusRows({ ...syncedPrimary, wsrep_ready: 'OFF' })))).toBe(false);
  });

  it('reports a server without wsrep status as not serving rather than guessing', () => {
    const state = parseGaleraNodeState([]);
    expect(state).toMatchObject({ localState: null, ready: false, clusterStatus: 'Disconnected', clusterSize: 0, lastCommitted: null });
    expect(isServingNode(state)).toBe(false);
  });
});

describe('clusterGtidOf', () => {
  const identity = { domainId: 100, serverId: 1, gtidModeOn: true };

  it('picks the GTID the cluster wrote out of a token', () => {
    expect(clusterGtidOf('100-1-42', identity)).toBe('100-1-42');
    expect(clusterGtidOf('0-1-900,100-1-42', identity)).toBe('100-1-42');
  });

  it('refuses a token of another domain or server id, which the wait would pass at once', () => {
    expect(clusterGtidOf('0-1-42', identity)).toBeNull();
    expect(clusterGtidOf('100-7-42', identity)).toBeNull();
    expect(clusterGtidOf('100-1-42', { ...identity, gtidModeOn: false })).toBeNull();
  });
});

describe('waitForGaleraGtid', () => {
  const lockWaitTimeout = () => Object.assign(new Error('Lock wait timeout exceeded; try restarting transaction'), { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' });

  it('maps the function returning 1 to reached', async () => {
    const calls: unknown[][] = [];
    const run: RunSql = async (sql, params = []) => {
      calls.push([sql, ...params]);
      return [{ reached: 1 }];
    };
    expect(await waitForGaleraGtid(run, '100-1-42', 2500)).toBe('reached');
    expect(calls).toEqual([['SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, ?) AS reached', '100-1-42', 2]]);
  });

  it('maps the raised 1205 to timeout, polling a sub-second bound with zero-second waits', async () => {
    const seconds: unknown[] = [];
    const run: RunSql = async (_sql, params = []) => {
      seconds.push(params[1]);
      throw lockWaitTimeout();
    };
    const started = Date.now();
    expect(await waitForGaleraGtid(run, '100-1-42', 60, 10)).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started).toBeLessThan(200);
    expect(seconds.length).toBeGreaterThan(2);
    expect(new Set(seconds)).toEqual(new Set([0]));
  });

  it('returns reached when a later poll finds the GTID committed', async () => {
    let polls = 0;
    const run: RunSql = async () => {
      polls += 1;
      if (polls < 3) throw lockWaitTimeout();
      return [{ reached: 1 }];
    };
    expect(await waitForGaleraGtid(run, '100-1-42', 500, 5)).toBe('reached');
    expect(polls).toBe(3);
  });

  it('passes on any other error', async () => {
    const run: RunSql = async () => Promise.reject(Object.assign(new Error('Incorrect arguments'), { errno: 1210 }));
    await expect(waitForGaleraGtid(run, '100-1-1,100-1-2', 100)).rejects.toThrow('Incorrect arguments');
  });
});

it('recognises a node that is not prepared for application use', () => {
  expect(isNodeNotPrepared(Object.assign(new Error('WSREP has not yet prepared node for application use'), { errno: 1047, code: 'ER_UNKNOWN_COM_ERROR' }))).toBe(true);
  expect(isNodeNotPrepared(Object.assign(new Error('Deadlock found'), { errno: 1213 }))).toBe(false);
});

it('recognises a commit that failed because its node lost the primary component, and no other commit error', () => {
  // As a write in flight on a partitioned node answered on the partition test's cluster.
  const cut = 'Error while appending streaming replication fragment(provider status: Not connected to Primary Component)';
  expect(isCommitOutsidePrimaryComponent(Object.assign(new Error(cut), { errno: 1180, code: 'ER_ERROR_DURING_COMMIT' }))).toBe(true);
  expect(isCommitOutsidePrimaryComponent(Object.assign(new Error('Got error 28 "No space left on device" during COMMIT'), { errno: 1180 }))).toBe(false);
  expect(isCommitOutsidePrimaryComponent(Object.assign(new Error(cut), { errno: 1047 }))).toBe(false);
  expect(isCommitOutsidePrimaryComponent(null)).toBe(false);
});

describe('causalReadsOn', () => {
  it('makes each statement a causal read for itself alone, parameters unchanged', async () => {
    const seen: { statement: string; params: readonly unknown[] | undefined }[] = [];
    const run: RunSql = async (statement, params) => {
      seen.push({ statement, params });
      return [];
    };
    await causalReadsOn(run)('SELECT 1 FROM t WHERE id = ?', [7]);
    expect(seen).toEqual([{ statement: 'SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1 FROM t WHERE id = ?', params: [7] }]);
  });
});
