/**
 * Keeps the statistics replica following the Galera cluster: every interval it observes the
 * replica and each node (each on a connection of its own, every connection and statement bounded),
 * decides with decideReplicaSource, and carries a repoint out, checking the chosen node's binlog
 * against the replica's final position once more after STOP SLAVE.
 */
import mysql from 'mysql2/promise';
import type { Registry } from 'prom-client';
import { createPeriodicTask } from '../periodic-task/periodic-task.ts';
import { withTimeout } from '../timeout/with-timeout.ts';
import { binlogCoversPosition } from './binlog-coverage.ts';
import { runSqlOnConnection } from './database.ts';
import {
  configureReplication,
  enableHeartbeatHere,
  readBinlogReach,
  readReplicaGtidPosition,
  readReplicaSourceStatus,
  startReplication,
  stopReplication,
  type ReplicaSourceStatus,
  type RunSql,
} from './mariadb-dialect.ts';
import { isServingNode, readGaleraNodeState, type GaleraNodeState } from './galera-dialect.ts';
import {
  decideReplicaSource,
  describeDecision,
  nodeAddress,
  type FollowDecision,
  type FollowerObservation,
  type NodeObservation,
  type SourceNode,
  type SourceWatch,
} from './statistics-replica-follower.ts';

export interface DatabaseAccount {
  user: string;
  password: string;
}

export interface FollowerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface StatisticsReplicaFollowerOptions {
  replica: SourceNode;
  /** The cluster's nodes, in the order they are tried as a new source. */
  nodes: readonly SourceNode[];
  /** Reads the nodes' state and binlogs, and runs STOP SLAVE / CHANGE MASTER / START SLAVE on the replica. */
  admin: DatabaseAccount;
  /** The account the replica logs in to its source with (CHANGE MASTER's MASTER_USER). */
  replication: DatabaseAccount;
  intervalMs: number;
  /** How long the source must fail before a repoint. */
  graceMs: number;
  /** Bound of each connect and each statement of an observation. */
  probeTimeoutMs: number;
  /** Bound of each statement that changes the replica (STOP SLAVE waits for the threads to end). */
  controlTimeoutMs: number;
  logger: FollowerLogger;
  /** Where the periodic task's run counts go. */
  registry?: Registry;
  onRepoint?(from: string, to: string): void;
  now?(): number;
}

export interface FollowerState {
  /** The last decision, or null before the first observation (or while the replica does not answer). */
  decision: FollowDecision | null;
  /** The replica's replication status at the last observation. */
  replica: ReplicaSourceStatus | null;
  observedAt: Date | null;
  /** Why the last observation failed (the replica did not answer), or null. */
  observationError: string | null;
  repoints: number;
}

export interface StatisticsReplicaFollower {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Observes, decides and acts once; returns what was decided (after a repoint, the repoint). */
  followOnce(): Promise<FollowDecision>;
  /**
   * Follows until the decision is no longer `wait` (at most the grace period and two intervals
   * more): what a one-shot run reports, since a single look cannot tell a blip from a loss.
   */
  settle(): Promise<FollowDecision>;
  /** @@read_only of the replica, asked now. */
  replicaIsReadOnly(): Promise<boolean>;
  state(): FollowerState;
}

const BLOCKED_REMINDER_MS = 60_000;

/** Opens a connection, runs `work` on it with every statement bounded, and closes it whatever happens. */
async function onServer<T>(address: SourceNode, account: DatabaseAccount, timeoutMs: number, statementTimeoutMs: number, work: (run: RunSql) => Promise<T>): Promise<T> {
  const what = `MariaDB at ${nodeAddress(address)}`;
  const connecting = mysql.createConnection({ host: address.host, port: address.port, user: account.user, password: account.password, connectTimeout: timeoutMs, supportBigNumbers: true });
  const connection = await withTimeout(connecting, timeoutMs + 500, `connecting to ${what}`).catch((error: unknown) => {
    // A connection that completes after the timeout is closed at once, not left open.
    connecting.then((late) => late.destroy(), () => {});
    throw error;
  });
  // A reset after the work is done must not become an unhandled 'error' event that ends the process.
  connection.on('error', () => {});
  try {
    return await work(runSqlOnConnection(connection, statementTimeoutMs));
  } finally {
    // A hung server never answers the goodbye: do not wait on it.
    await withTimeout(connection.end(), 1000, `closing ${what}`).catch(() => connection.destroy());
  }
}

/** "Synced, Primary", "Donor/Desynced, Primary, not ready": the node's own words for the log. */
function describeNodeState(state: GaleraNodeState): string {
  return `${state.localStateComment}, ${state.clusterStatus}${state.ready ? '' : ', not ready'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createStatisticsReplicaFollower(options: StatisticsReplicaFollowerOptions): StatisticsReplicaFollower {
  const now = options.now ?? Date.now;
  const log = options.logger;
  let watch: SourceWatch | null = null;
  let lastLine: string | null = null;
  let lastLoggedAt = 0;
  const current: FollowerState = { decision: null, replica: null, observedAt: null, observationError: null, repoints: 0 };

  const onReplica = <T>(timeoutMs: number, work: (run: RunSql) => Promise<T>) => onServer(options.replica, options.admin, options.probeTimeoutMs, timeoutMs, work);

  async function observeNode(node: SourceNode): Promise<NodeObservation> {
    try {
      return await onServer(node, options.admin, options.probeTimeoutMs, options.probeTimeoutMs, async (run) => {
        const state = await readGaleraNodeState(run);
        return { node, serving: isServingNode(state), state: describeNodeState(state), reach: await readBinlogReach(run), error: null };
      });
    } catch (error) {
      return { node, serving: false, state: 'unknown', reach: null, error: errorText(error) };
    }
  }

  async function observe(): Promise<FollowerObservation> {
    const at = now();
    const replicaSide = onReplica(options.probeTimeoutMs, async (run) => {
      const [readOnly] = await run('SELECT @@global.read_only AS readOnly');
      return { replicaReadOnly: Number(readOnly?.['readOnly']) === 1, replica: await readReplicaSourceStatus(run), position: await readReplicaGtidPosition(run) };
    });
    const [replicaView, nodes] = await Promise.all([replicaSide, Promise.all(options.nodes.map(observeNode))]);
    const { replica } = replicaView;
    const source = replica ? { host: replica.sourceHost, port: replica.sourcePort } : null;
    const listed = source !== null && options.nodes.some((node) => nodeAddress(node) === nodeAddress(source));
    const unlistedSource = source !== null && !listed ? await observeNode(source) : null;
    return { at, ...replicaView, nodes, unlistedSource };
  }

  /**
   * STOP SLAVE, then the position is final: the chosen node's binlog is checked against it once
   * more (the first check used the position while the SQL thread was still applying), and only
   * then CHANGE MASTER. Whatever happens after STOP SLAVE, replication is started again.
   */
  async function repoint(decision: Extract<FollowDecision, { action: 'repoint' }>): Promise<{ outcome: FollowDecision; replicaAfter: ReplicaSourceStatus | null }> {
    const target = nodeAddress(decision.to);
    return onReplica(options.controlTimeoutMs, async (run) => {
      const status = await readReplicaSourceStatus(run);
      const sourceNow = status ? nodeAddress({ host: status.sourceHost, port: status.sourcePort }) : null;
      if (sourceNow !== decision.source) throw new Error(`the replica's source changed to ${sourceNow ?? 'none'} meanwhile; deciding again on the next run`);
      await stopReplication(run);
      let changed = false;
      let outcome: FollowDecision = decision;
      try {
        const position = await readReplicaGtidPosition(run);
        const targetNow = await observeNode(decision.to);
        const coverage = targetNow.error === null && targetNow.serving && targetNow.reach ? binlogCoversPosition(position, targetNow.reach) : { covered: false as const, reason: targetNow.error ?? `not serving (${targetNow.state})` };
        if (coverage.covered) {
          await configureReplication(run, { ...decision.to, user: options.replication.user, password: options.replication.password });
          changed = true;
        } else {
          outcome = { action: 'blocked', source: decision.source, problem: decision.problem, rejected: [...decision.rejected, { node: target, reason: `on the final check after STOP SLAVE: ${coverage.reason}` }] };
        }
      } finally {
        await startReplication(run).catch((error: unknown) => log.error({ err: error, source: changed ? target : decision.source }, 'START SLAVE failed after a repoint attempt; the replica is stopped'));
      }
      if (changed) {
        // The heartbeat follows the replica to its new source, so the reported lag measures what feeds it.
        await onServer(decision.to, options.admin, options.probeTimeoutMs, options.controlTimeoutMs, enableHeartbeatHere).then(
          (databases) => log.info({ source: target, databases }, 'replication heartbeat now runs on the new source'),
          (error: unknown) => log.error({ err: error, source: target }, 'could not move the replication heartbeat to the new source: the replica lag will read as growing'),
        );
      }
      // What the metrics and readiness show until the next look: the replica on its new source.
      return { outcome, replicaAfter: await readReplicaSourceStatus(run) };
    });
  }

  function report(decision: FollowDecision): void {
    const line = describeDecision(decision);
    // Each change is logged; a block that lasts is logged again every minute, so the log keeps saying it.
    const repeatDue = decision.action === 'blocked' && now() - lastLoggedAt >= BLOCKED_REMINDER_MS;
    if (line === lastLine && decision.action !== 'repoint' && !repeatDue) return;
    lastLine = line;
    lastLoggedAt = now();
    const details = { decision };
    if (decision.action === 'blocked') log.error(details, line);
    else if (decision.action === 'repoint' || decision.action === 'hands-off') log.warn(details, line);
    else log.info(details, line);
  }

  async function followOnce(): Promise<FollowDecision> {
    let observation: FollowerObservation;
    try {
      observation = await observe();
    } catch (error) {
      current.decision = null;
      current.replica = null;
      current.observationError = errorText(error);
      throw error;
    }
    current.observedAt = new Date(observation.at);
    current.observationError = null;
    current.replica = observation.replica;
    const decided = decideReplicaSource(observation, watch, { graceMs: options.graceMs });
    watch = decided.watch;
    let decision = decided.decision;
    if (decision.action === 'repoint') {
      const { outcome, replicaAfter } = await repoint(decision);
      decision = outcome;
      current.replica = replicaAfter;
      if (decision.action === 'repoint') {
        current.repoints += 1;
        options.onRepoint?.(decision.source, nodeAddress(decision.to));
      }
    }
    current.decision = decision;
    report(decision);
    return decision;
  }

  const task = createPeriodicTask({ name: 'statistics_replica_follow', intervalMs: options.intervalMs, run: async () => void (await followOnce()), logger: log, registry: options.registry, runAtStart: true, keepProcessAlive: true });

  return {
    start: () => task.start(),
    stop: () => task.stop(),
    followOnce,
    async settle() {
      const deadline = now() + options.graceMs + 2 * options.intervalMs;
      for (;;) {
        const decision = await followOnce();
        if (decision.action !== 'wait' || now() >= deadline) return decision;
        await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      }
    },
    async replicaIsReadOnly() {
      return onReplica(options.probeTimeoutMs, async (run) => {
        const [row] = await run('SELECT @@global.read_only AS readOnly');
        return Number(row?.['readOnly']) === 1;
      });
    },
    state: () => ({ ...current }),
  };
}
