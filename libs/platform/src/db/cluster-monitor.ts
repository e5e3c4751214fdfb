import { createPeriodicTask } from '../periodic-task/periodic-task.ts';
import { TimeoutError, withTimeout } from '../timeout/with-timeout.ts';
import { isServingNode, isSyncedNode, type GaleraGtidIdentity, type GaleraNodeState } from './galera-dialect.ts';

export interface ClusterNodeAddress {
  /** Names the node in health, metrics and logs. */
  name: string;
  host: string;
  port: number;
}

/** What one probe of a node found. */
export interface NodeProbeResult {
  state: GaleraNodeState;
  gtidIdentity: GaleraGtidIdentity;
}

/** A node's last observed state, for readiness and metrics. */
export interface ClusterNodeHealth {
  name: string;
  /** host:port */
  address: string;
  /**
   * Null until the first probe, and after a probe that failed (the node's state is not known then),
   * except while a round in which no node answered keeps it (see silentRoundGraceMs; lastError says so).
   */
  state: GaleraNodeState | null;
  gtidIdentity: GaleraGtidIdentity | null;
  role: 'writer' | 'reader' | 'unavailable';
  lastError: string | null;
  checkedAt: Date | null;
}

export interface ClusterMonitorOptions {
  /** In order of preference: the writer is the first node that serves. */
  nodes: readonly ClusterNodeAddress[];
  /** One probe of one node; it must honour `timeoutMs` itself (a dead node costs at most that). */
  probe(node: ClusterNodeAddress): Promise<NodeProbeResult>;
  checkIntervalMs: number;
  probeTimeoutMs: number;
  /**
   * When no probe of a round got an answer, a node whose probe only timed out keeps the state it
   * last answered, for at most this long after that answer (default 5000). Every node silent at
   * once is more often this process or machine starved of CPU than the cluster gone, and dropping
   * the writer would answer every request 503 at once; requests meanwhile find out for themselves
   * (their own timeouts, a lost connection probes again). A refused or lost connection, or any
   * answer from another node, marks the node down at once.
   */
  silentRoundGraceMs?: number;
  onWriterChange?(from: string | null, to: string | null, nodes: readonly ClusterNodeHealth[]): void;
}

export interface ClusterMonitor {
  /** Probes every node once, then every `checkIntervalMs`. */
  start(): Promise<void>;
  /** Stops probing; waits for a probe in flight. */
  stop(): Promise<void>;
  /** The first node in list order that is synced, ready and in the primary component; null without quorum. */
  writer(): ClusterNodeAddress | null;
  /** The other serving nodes, in list order; the writer alone when no other node serves; none without a writer. */
  readers(): ClusterNodeAddress[];
  nodeHealth(): ClusterNodeHealth[];
  /** The GTID domain and server id the cluster writes, as the writer last reported them. */
  gtidIdentity(): GaleraGtidIdentity | null;
  /**
   * Which period of serving the node is in: a number that changes each time a probe finds the node
   * serving after one found it not serving (down, cut off, desynced, outside the primary component);
   * null while it does not serve. What was learnt about a node holds only within one period.
   */
  servingPeriod(name: string): number | null;
  /**
   * Whether some node answered its last probe, serving or not: with no writer, a view change or a
   * lost quorum (the nodes are there) rather than every node down or cut off.
   */
  reachable(): boolean;
  /**
   * Probes every node now. A probe already in flight may have started before the failure that
   * prompted this call, so one more probe follows it.
   */
  recheckNow(): Promise<void>;
}

interface NodeRecord {
  address: ClusterNodeAddress;
  state: GaleraNodeState | null;
  gtidIdentity: GaleraGtidIdentity | null;
  lastError: string | null;
  checkedAt: Date | null;
  /** When the node last answered a probe (Date.now()), null before its first answer. */
  answeredAtMs: number | null;
  /** The node's current period of serving (ClusterMonitor.servingPeriod), null while it does not serve. */
  servingPeriod: number | null;
}

type ProbeOutcome = 'answered' | 'timed_out' | 'failed';

/** A probe that got no answer in time, as opposed to one the node or the network refused. */
function isProbeTimeout(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof TimeoutError || code === 'ETIMEDOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/**
 * Watches every node of a Galera cluster and chooses the writer by list order alone: every
 * gateway given the same list chooses the same node without talking to the others, so writes
 * meet no certification conflicts except in the moments two gateways' probes disagree (those
 * fail with a deadlock error and are retried as any deadlock is).
 */
export function createClusterMonitor(options: ClusterMonitorOptions): ClusterMonitor {
  if (options.nodes.length === 0) throw new RangeError('a cluster needs at least one node');
  const names = new Set(options.nodes.map((node) => node.name));
  if (names.size !== options.nodes.length) throw new RangeError('cluster node names must be distinct');
  const silentRoundGraceMs = options.silentRoundGraceMs ?? 5000;
  const records: NodeRecord[] = options.nodes.map((address) => ({ address, state: null, gtidIdentity: null, lastError: null, checkedAt: null, answeredAtMs: null, servingPeriod: null }));
  let writerIndex: number | null = null;
  let lastServingPeriod = 0;

  const serving = (record: NodeRecord) => record.state !== null && isServingNode(record.state);

  function chooseWriter(): void {
    const index = records.findIndex(serving);
    const next = index === -1 ? null : index;
    if (next === writerIndex) return;
    const from = writerIndex === null ? null : records[writerIndex]!.address.name;
    writerIndex = next;
    options.onWriterChange?.(from, next === null ? null : records[next]!.address.name, nodeHealth());
  }

  /** Probes one node; a failure is recorded in lastError and left to the round to judge. */
  async function probeNode(record: NodeRecord): Promise<ProbeOutcome> {
    try {
      const result = await withTimeout(options.probe(record.address), options.probeTimeoutMs, `probe of cluster node ${record.address.name}`);
      record.state = result.state;
      record.gtidIdentity = result.gtidIdentity;
      record.lastError = null;
      record.answeredAtMs = Date.now();
      return 'answered';
    } catch (error) {
      record.lastError = error instanceof Error ? error.message : String(error);
      return isProbeTimeout(error) ? 'timed_out' : 'failed';
    } finally {
      record.checkedAt = new Date();
    }
  }

  async function probeRound(): Promise<void> {
    const outcomes = await Promise.all(records.map(probeNode));
    const silentRound = !outcomes.includes('answered');
    const now = Date.now();
    records.forEach((record, index) => {
      if (outcomes[index] === 'answered') return;
      const keep = silentRound && outcomes[index] === 'timed_out' && record.answeredAtMs !== null && now - record.answeredAtMs <= silentRoundGraceMs;
      if (keep) record.lastError = `${record.lastError}; no node answered this round, so its state of ${now - record.answeredAtMs!} ms ago is kept`;
      else record.state = null;
    });
    for (const record of records) {
      if (!serving(record)) record.servingPeriod = null;
      else record.servingPeriod ??= ++lastServingPeriod;
    }
    chooseWriter();
  }

  // A failed probe is the state it records, so the task has nothing to log.
  const probing = createPeriodicTask({
    name: 'cluster_node_probe',
    intervalMs: options.checkIntervalMs,
    runAtStart: true,
    run: probeRound,
  });

  function roleOf(index: number): ClusterNodeHealth['role'] {
    if (index === writerIndex) return 'writer';
    return writerIndex !== null && serving(records[index]!) ? 'reader' : 'unavailable';
  }

  function nodeHealth(): ClusterNodeHealth[] {
    return records.map((record, index) => ({
      name: record.address.name,
      address: `${record.address.host}:${record.address.port}`,
      state: record.state,
      gtidIdentity: record.gtidIdentity,
      role: roleOf(index),
      lastError: record.lastError,
      checkedAt: record.checkedAt,
    }));
  }

  return {
    start: () => probing.start(),
    stop: () => probing.stop(),
    writer: () => (writerIndex === null ? null : records[writerIndex]!.address),
    readers() {
      if (writerIndex === null) return [];
      const others = records.filter((record, index) => index !== writerIndex && serving(record)).map((record) => record.address);
      return others.length > 0 ? others : [records[writerIndex]!.address];
    },
    nodeHealth,
    gtidIdentity: () => (writerIndex === null ? null : records[writerIndex]!.gtidIdentity),
    servingPeriod: (name) => records.find((record) => record.address.name === name)?.servingPeriod ?? null,
    reachable: () => records.some((record) => record.state !== null),
    async recheckNow() {
      const wasRunning = probing.running;
      await probing.runNow();
      if (wasRunning) await probing.runNow();
    },
  };
}

/** Whether a node's last probe found it synced (for metrics: a desynced donor or a joiner is not). */
export function isNodeSynced(health: ClusterNodeHealth): boolean {
  return health.state !== null && isSyncedNode(health.state);
}
