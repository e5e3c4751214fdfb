import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { RunSql } from './mariadb-dialect.ts';
import { createReadRouter, type ReadDecisionReason } from './read-router.ts';

/** A stand-in server that answers only the two statements the router sends. */
function fakeServer(name: string, answer: { lag?: number | Error; gtidWait?: number | Error }): Database<unknown> {
  const runSql: RunSql = async (sql) => {
    const value = sql.includes('MASTER_GTID_WAIT') ? answer.gtidWait : answer.lag;
    if (value instanceof Error) throw value;
    if (sql.includes('MASTER_GTID_WAIT')) return [{ result: value }];
    return value === undefined ? [] : [{ age: value + 1 }]; // the dialect subtracts the 1 s heartbeat interval
  };
  return { db: { name } as unknown as Kysely<unknown>, pool: null as never, runSql, queryRows: async () => [], poolUsage: () => ({ open: 0, idle: 0, waiting: 0 }), close: async () => {} };
}

function setup(replicaAnswer: { lag?: number | Error; gtidWait?: number | Error }, primaryAvailable?: () => boolean) {
  const decisions: ReadDecisionReason[] = [];
  const router = createReadRouter({
    ...(primaryAvailable ? { primaryAvailable } : {}),
    primary: fakeServer('primary', {}),
    replica: fakeServer('replica', replicaAnswer),
    maxLagSeconds: 2,
    recoverLagSeconds: 1,
    recoverChecks: 3,
    checkIntervalMs: 1_000_000,
    gtidWaitTimeoutMs: 100,
    onDecision: (reason) => decisions.push(reason),
  });
  return { router, decisions, answer: replicaAnswer };
}

describe('read router', () => {
  it('keeps reads on a lagging replica while the primary is unreachable, and skips the GTID wait', async () => {
    let primaryUp = true;
    const { router, answer, decisions } = setup({ lag: 0, gtidWait: 1 }, () => primaryUp);
    await router.checkNow();
    primaryUp = false;
    expect((await router.chooseReader('0-1-5')).target).toBe('replica');
    answer.lag = 30; // the primary's heartbeat stopped
    await router.checkNow();
    expect(router.health().state).toBe('lagging');
    expect((await router.chooseReader(null)).target).toBe('replica');
    primaryUp = true;
    expect((await router.chooseReader(null)).target).toBe('primary');
    expect(decisions).toEqual(['replica_primary_unavailable', 'replica_primary_unavailable', 'primary_replica_unavailable']);
  });

  it('reads from the primary until the first check found the replica fresh', async () => {
    const { router, decisions } = setup({ lag: 0 });
    expect((await router.chooseReader(null)).target).toBe('primary');
    await router.checkNow();
    expect(router.health().state).toBe('healthy');
    expect((await router.chooseReader(null)).target).toBe('replica');
    expect(decisions).toEqual(['primary_replica_unavailable', 'replica']);
  });

  it('leaves the replica above the max lag and returns only after several fresh checks (hysteresis)', async () => {
    const { router, answer } = setup({ lag: 0 });
    await router.checkNow();
    answer.lag = 2.5;
    await router.checkNow();
    expect(router.health().state).toBe('lagging');
    answer.lag = 1.5; // below max but above the recover threshold: still not trusted
    await router.checkNow();
    expect(router.health().state).toBe('lagging');
    answer.lag = 0.5;
    await router.checkNow();
    await router.checkNow();
    expect(router.health().state).toBe('lagging');
    await router.checkNow();
    expect(router.health().state).toBe('healthy');
  });

  it('stays on the replica while lag hovers between the two thresholds', async () => {
    const { router, answer } = setup({ lag: 0 });
    await router.checkNow();
    answer.lag = 1.8;
    await router.checkNow();
    expect(router.health().state).toBe('healthy');
  });

  it('marks the replica down when it does not answer, and routes to the primary', async () => {
    const { router, answer, decisions } = setup({ lag: 0 });
    await router.checkNow();
    answer.lag = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await router.checkNow();
    expect(router.health()).toMatchObject({ state: 'down', lastError: 'connect ECONNREFUSED' });
    expect((await router.chooseReader(null)).target).toBe('primary');
    expect(decisions.at(-1)).toBe('primary_replica_unavailable');
  });

  it('reads the replica after the GTID wait succeeds, the primary after it times out', async () => {
    const { router, answer } = setup({ lag: 0, gtidWait: 0 });
    await router.checkNow();
    expect(await router.chooseReader('0-1-42')).toMatchObject({ target: 'replica', reason: 'replica_gtid_reached' });
    answer.gtidWait = -1;
    expect(await router.chooseReader('0-1-43')).toMatchObject({ target: 'primary', reason: 'primary_gtid_timeout' });
  });

  it('reads the replica at once for a token its waits already reached, until it goes down', async () => {
    const { router, answer } = setup({ lag: 0, gtidWait: 0 });
    await router.checkNow();
    await router.chooseReader('0-1-42,1-2-9');
    answer.gtidWait = new Error('the wait must not be sent');
    expect(await router.chooseReader('0-1-42')).toMatchObject({ target: 'replica', reason: 'replica_gtid_known' });
    expect(await router.chooseReader('1-3-9,0-2-40')).toMatchObject({ target: 'replica', reason: 'replica_gtid_known' });
    expect(await router.chooseReader('0-1-43')).toMatchObject({ target: 'primary', reason: 'primary_replica_failed' });

    // Down and back (it may be a rebuilt copy): the same token is waited for again.
    answer.gtidWait = 0;
    for (let i = 0; i < 3; i += 1) await router.checkNow();
    expect(router.health().state).toBe('healthy');
    answer.gtidWait = -1;
    expect(await router.chooseReader('0-1-42')).toMatchObject({ target: 'primary', reason: 'primary_gtid_timeout' });
  });

  it('rejects a token that is not a GTID list before sending it anywhere', async () => {
    const { router } = setup({ lag: 0, gtidWait: 0 });
    await router.checkNow();
    await expect(router.chooseReader("0-1-1'; DROP TABLE x")).rejects.toThrow(TypeError);
  });

  it('falls back to the primary when the replica fails in the middle of a read', async () => {
    const { router, decisions } = setup({ lag: 0 });
    await router.checkNow();
    const servedBy: string[] = [];
    const result = await router.read(null, async (db) => {
      const name = (db as unknown as { name: string }).name;
      servedBy.push(name);
      if (name === 'replica') throw Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });
      return 'rows';
    });
    expect(result).toBe('rows');
    expect(servedBy).toEqual(['replica', 'primary']);
    expect(router.health().state).toBe('down');
    expect(decisions).toEqual(['replica', 'primary_replica_failed']);
  });

  it('does not retry a read whose query itself is wrong', async () => {
    const { router } = setup({ lag: 0 });
    await router.checkNow();
    await expect(router.read(null, async () => Promise.reject(Object.assign(new Error('syntax'), { code: 'ER_PARSE_ERROR' })))).rejects.toThrow('syntax');
    expect(router.health().state).toBe('healthy');
  });
  it('a session chooses once, and after a replica failure keeps every later read on the primary', async () => {
    const { router, decisions } = setup({ lag: 0 });
    await router.checkNow();
    const session = router.openSession(null);
    const servedBy: string[] = [];
    const read = async (db: Kysely<unknown>) => {
      const name = (db as unknown as { name: string }).name;
      servedBy.push(name);
      if (name === 'replica' && servedBy.length === 2) throw Object.assign(new Error('Connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });
      return name;
    };
    expect([await session.run(read), await session.run(read), await session.run(read)]).toEqual(['replica', 'primary', 'primary']);
    expect(servedBy).toEqual(['replica', 'replica', 'primary', 'primary']);
    expect(decisions).toEqual(['replica', 'primary_replica_failed']);
  });
});
