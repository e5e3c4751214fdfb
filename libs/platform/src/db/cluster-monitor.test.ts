import { describe, expect, it } from 'vitest';
import { createClusterMonitor, type ClusterNodeAddress, type NodeProbeResult } from './cluster-monitor.ts';
import type { GaleraNodeState } from './galera-dialect.ts';

const synced: GaleraNodeState = { localState: 4, localStateComment: 'Synced', ready: true, clusterStatus: 'Primary', clusterSize: 3, connected: true, lastCommitted: 10 };
const identity = { domainId: 100, serverId: 1, gtidModeOn: true };
const nodes: ClusterNodeAddress[] = [
  { name: 'node1', host: '127.0.0.1', port: 3311 },
  { name: 'node2', host: '127.0.0.1', port: 3312 },
  { name: 'node3', host: '127.0.0.1', port: 3313 },
];

/** Each node answers what the test set for it: a state, an error, or nothing at all. */
function setup(answers: Record<string, GaleraNodeState | Error | 'hang'>, silentRoundGraceMs?: number) {
  const probed: string[] = [];
  const writerChanges: Array<[string | null, string | null]> = [];
  const monitor = createClusterMonitor({
    nodes,
    checkIntervalMs: 1_000_000,
    probeTimeoutMs: 30,
    async probe(node): Promise<NodeProbeResult> {
      probed.push(node.name);
      const answer = answers[node.name] ?? new Error('no answer set');
      if (answer === 'hang') return new Promise(() => {});
      if (answer instanceof Error) throw answer;
      return { state: answer, gtidIdentity: identity };
    },
    onWriterChange: (from, to) => writerChanges.push([from, to]),
    ...(silentRoundGraceMs === undefined ? {} : { silentRoundGraceMs }),
  });
  return { monitor, answers, probed, writerChanges };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3311'), { code: 'ECONNREFUSED' });

describe('cluster monitor', () => {
  it('chooses the first serving node in list order as the writer, the other serving nodes as readers', async () => {
    const { monitor } = setup({ node1: synced, node2: synced, node3: synced });
    await monitor.start();
    expect(monitor.writer()?.name).toBe('node1');
    expect(monitor.readers().map((node) => node.name)).toEqual(['node2', 'node3']);
    expect(monitor.gtidIdentity()).toEqual(identity);
    await monitor.stop();
  });

  it('skips a node that is unreachable, desynced, not ready or outside the primary component', async () => {
    const { monitor, answers } = setup({ node1: refused(), node2: { ...synced, localState: 2, localStateComment: 'Donor/Desynced' }, node3: synced });
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node3');
    answers.node1 = { ...synced, clusterStatus: 'non-Primary', localState: 0, localStateComment: 'Initialized', ready: false };
    answers.node2 = { ...synced, ready: false };
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node3');
  });

  it('falls back to the writer as the only reader when no other node serves', async () => {
    const { monitor } = setup({ node1: synced, node2: refused(), node3: { ...synced, localState: 1, localStateComment: 'Joining' } });
    await monitor.recheckNow();
    expect(monitor.readers().map((node) => node.name)).toEqual(['node1']);
  });

  it('has no writer and no readers when no node serves (quorum lost)', async () => {
    const nonPrimary = { ...synced, clusterStatus: 'non-Primary', localState: 0, localStateComment: 'Initialized', ready: false, clusterSize: 1 };
    const { monitor } = setup({ node1: nonPrimary, node2: refused(), node3: refused() });
    await monitor.recheckNow();
    expect(monitor.writer()).toBeNull();
    expect(monitor.readers()).toEqual([]);
    expect(monitor.gtidIdentity()).toBeNull();
    expect(monitor.nodeHealth().map((node) => node.role)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    // node1 answered, outside a primary component: the cluster is there, not down.
    expect(monitor.reachable()).toBe(true);
  });

  it('is unreachable when no node answered its last probe', async () => {
    const { monitor } = setup({ node1: refused(), node2: refused(), node3: 'hang' });
    expect(monitor.reachable()).toBe(false);
    await monitor.recheckNow();
    expect(monitor.reachable()).toBe(false);
  });

  it('moves the writer on a recheck after the writer failed, and back once it serves again', async () => {
    const { monitor, answers, writerChanges } = setup({ node1: synced, node2: synced, node3: synced });
    await monitor.start();
    answers.node1 = refused();
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node2');
    answers.node1 = synced;
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node1');
    expect(writerChanges).toEqual([
      [null, 'node1'],
      ['node1', 'node2'],
      ['node2', 'node1'],
    ]);
    await monitor.stop();
  });

  it("numbers each node's periods of serving: the same while it serves, null while it does not, a new one when it serves again", async () => {
    const { monitor, answers } = setup({ node1: synced, node2: synced, node3: refused() });
    await monitor.recheckNow();
    const first = monitor.servingPeriod('node2');
    expect(first).not.toBeNull();
    expect(monitor.servingPeriod('node1')).not.toBe(first);
    expect(monitor.servingPeriod('node3')).toBeNull();
    await monitor.recheckNow();
    expect(monitor.servingPeriod('node2')).toBe(first);

    // Desynced for one probe, then serving again: another period, though no read saw it go.
    answers.node2 = { ...synced, localState: 2, localStateComment: 'Donor/Desynced' };
    await monitor.recheckNow();
    expect(monitor.servingPeriod('node2')).toBeNull();
    answers.node2 = synced;
    await monitor.recheckNow();
    expect(monitor.servingPeriod('node2')).not.toBeNull();
    expect(monitor.servingPeriod('node2')).not.toBe(first);
    expect(monitor.servingPeriod('no-such-node')).toBeNull();
  });

  it('a recheck asked for during a probe in flight probes once more after it', async () => {
    const { monitor, probed } = setup({ node1: synced, node2: synced, node3: synced });
    const first = monitor.recheckNow();
    const second = monitor.recheckNow();
    await Promise.all([first, second]);
    expect(probed.filter((name) => name === 'node1')).toHaveLength(2);
  });

  it('a node that never answers costs one probe timeout and counts as unavailable', async () => {
    const { monitor } = setup({ node1: 'hang', node2: synced, node3: synced });
    const started = Date.now();
    await monitor.recheckNow();
    expect(Date.now() - started).toBeLessThan(500);
    expect(monitor.writer()?.name).toBe('node2');
    expect(monitor.nodeHealth()[0]).toMatchObject({ name: 'node1', address: '127.0.0.1:3311', state: null, role: 'unavailable', lastError: 'probe of cluster node node1: no answer within 30 ms' });
  });

  it('keeps the writer and readers through a round in which no node answered in time, and drops them once the grace has passed', async () => {
    const { monitor, answers, writerChanges } = setup({ node1: synced, node2: synced, node3: synced }, 200);
    await monitor.recheckNow();
    answers.node1 = 'hang';
    answers.node2 = 'hang';
    answers.node3 = 'hang';
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node1');
    expect(monitor.readers().map((node) => node.name)).toEqual(['node2', 'node3']);
    expect(monitor.nodeHealth()[0]!.lastError).toMatch(/^probe of cluster node node1: no answer within 30 ms; no node answered this round, so its state of \d+ ms ago is kept$/);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await monitor.recheckNow();
    expect(monitor.writer()).toBeNull();
    expect(writerChanges).toEqual([
      [null, 'node1'],
      ['node1', null],
    ]);
  });

  it('keeps nothing in a silent round for a node that refused, or one that never answered', async () => {
    const { monitor, answers } = setup({ node1: synced, node2: 'hang', node3: synced }, 10_000);
    await monitor.recheckNow();
    answers.node1 = refused();
    answers.node3 = 'hang';
    await monitor.recheckNow();
    // node1 refused: down at once; node2 never answered: nothing to keep; node3 timed out: kept.
    expect(monitor.writer()?.name).toBe('node3');
    expect(monitor.nodeHealth().map((node) => node.state === null)).toEqual([true, true, false]);
  });

  it('drops a node that timed out at once when another node answered the same round', async () => {
    const { monitor, answers } = setup({ node1: synced, node2: synced, node3: synced }, 10_000);
    await monitor.recheckNow();
    answers.node1 = 'hang';
    await monitor.recheckNow();
    expect(monitor.writer()?.name).toBe('node2');
    expect(monitor.nodeHealth()[0]).toMatchObject({ state: null, role: 'unavailable' });
  });

  it('reports each node for readiness: its state, role, last error and check time', async () => {
    const { monitor } = setup({ node1: synced, node2: refused(), node3: synced });
    expect(monitor.nodeHealth().map((node) => node.checkedAt)).toEqual([null, null, null]);
    await monitor.recheckNow();
    const health = monitor.nodeHealth();
    expect(health.map((node) => [node.name, node.role, node.state?.localStateComment ?? null, node.lastError])).toEqual([
      ['node1', 'writer', 'Synced', null],
      ['node2', 'unavailable', null, 'connect ECONNREFUSED 127.0.0.1:3311'],
      ['node3', 'reader', 'Synced', null],
    ]);
    expect(health.every((node) => node.checkedAt instanceof Date)).toBe(true);
  });

  it('refuses an empty node list and duplicate names', () => {
    expect(() => createClusterMonitor({ nodes: [], probe: async () => Promise.reject(new Error('unused')), checkIntervalMs: 1000, probeTimeoutMs: 100 })).toThrow(RangeError);
    expect(() => createClusterMonitor({ nodes: [nodes[0]!, nodes[0]!], probe: async () => Promise.reject(new Error('unused')), checkIntervalMs: 1000, probeTimeoutMs: 100 })).toThrow(RangeError);
  });
});
