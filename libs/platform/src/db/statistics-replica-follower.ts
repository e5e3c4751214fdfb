/**
 * The statistics replica follows one node of the Galera cluster by GTID. When that node is gone
 * (the replica's IO thread cannot reach it, or it left the synced primary component) for longer
 * than a grace period, the replica is repointed to the first node in the configured order that is
 * serving and whose binary log still covers the replica's position; with none, nothing is changed
 * and the situation is reported, as only a person can re-seed the replica.
 * This file is the decision alone, from what was observed; statistics-replica-follow-loop.ts observes and acts.
 */
import { binlogCoversPosition } from './binlog-coverage.ts';
import type { BinlogReach, Gtid, ReplicaSourceStatus } from './mariadb-dialect.ts';

export interface SourceNode {
  host: string;
  port: number;
}

/** `host:port`, the form the configuration and the metrics' `node` label use. */
export function nodeAddress(node: SourceNode): string {
  return `${node.host}:${node.port}`;
}

/** Reads `host:port` (a bare host gets `defaultPort`). */
export function parseNodeAddress(text: string, defaultPort = 3306): SourceNode {
  const match = /^([\w.-]+)(?::(\d{1,5}))?$/.exec(text.trim());
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (!match || port < 1 || port > 65535) throw new Error(`not a host:port address: ${JSON.stringify(text)}`);
  return { host: match[1]!, port };
}

/** One node as a probe saw it; `error` set means it did not answer (state and reach are then null). */
export interface NodeObservation {
  node: SourceNode;
  /** Synced, ready and in the primary component: it can serve a replica now. */
  serving: boolean;
  /** The node's own words for its state, for logs (e.g. "Synced, Primary" or "Donor/Desynced, non-Primary"). */
  state: string;
  reach: BinlogReach | null;
  error: string | null;
}

export interface FollowerObservation {
  /** When the observation was made (ms since the epoch). */
  at: number;
  /** @@read_only on the replica: a writable server is not the statistics replica, and is left alone. */
  replicaReadOnly: boolean;
  /** SHOW SLAVE STATUS, or null when the replica has no source configured. */
  replica: ReplicaSourceStatus | null;
  /** gtid_slave_pos: where the replica resumes from. */
  position: readonly Gtid[];
  /** The configured nodes in the configured order: candidates are tried in this order. */
  nodes: readonly NodeObservation[];
  /** The replica's source when it is none of the configured nodes (a proxy, an address set by hand). */
  unlistedSource: NodeObservation | null;
}

/** Since when the current source has been failing, carried from one decision to the next. */
export interface SourceWatch {
  source: string;
  failingSince: number | null;
}

export interface NodeRejection {
  node: string;
  reason: string;
}

export type FollowDecision =
  /** The source serves the replica: nothing to do. */
  | { action: 'stay'; source: string }
  /** The source fails, for less than the grace period so far: a blip is not worth a repoint. */
  | { action: 'wait'; source: string; problem: string; failingForMs: number }
  /** Repoint the replica to `to` by GTID. */
  | { action: 'repoint'; source: string; problem: string; to: SourceNode; rejected: NodeRejection[] }
  /** The source is gone and no node can take over: a person must re-seed the replica (or bring a node back). */
  | { action: 'blocked'; source: string; problem: string; rejected: NodeRejection[] }
  /** Replication is in a state a repoint would not mend (not configured, stopped by hand, an SQL error): left to a person. */
  | { action: 'hands-off'; source: string | null; reason: string };

export interface FollowerSettings {
  /** How long the source must fail before the replica is repointed. */
  graceMs: number;
}

function describeError(errno: number, message: string | null): string {
  return message ? `${errno}: ${message}` : `errno ${errno}`;
}

/** Why replication is in a state the follower leaves alone, or null when it may act. */
function handsOffReason(replica: ReplicaSourceStatus): string | null {
  if (!replica.usesGtid) return 'the replica follows its source by file and position, not by GTID (MASTER_USE_GTID=slave_pos): a repoint could not keep its place';
  if (!replica.sqlRunning && replica.lastSqlErrno !== 0) return `the SQL thread stopped with error ${describeError(replica.lastSqlErrno, replica.lastSqlError)}: another source would not mend that`;
  if (replica.ioState === 'stopped' && replica.lastIoErrno === 0) return 'replication was stopped by hand (STOP SLAVE): left stopped';
  return null;
}

/** Why the replica's current source is not serving it, or null when it is. */
function sourceProblem(replica: ReplicaSourceStatus, source: NodeObservation | null): string | null {
  if (replica.ioState === 'connecting') return `the replica cannot connect to its source (${describeError(replica.lastIoErrno, replica.lastIoError)})`;
  if (replica.ioState === 'stopped') return `the replica's IO thread stopped with error ${describeError(replica.lastIoErrno, replica.lastIoError)}`;
  if (!source) return null;
  if (source.error !== null) return `the source does not answer: ${source.error}`;
  if (!source.serving) return `the source is not a synced node of the primary component (${source.state})`;
  return null;
}

function judgeCandidate(candidate: NodeObservation, position: readonly Gtid[]): string | null {
  if (candidate.error !== null) return `does not answer: ${candidate.error}`;
  if (!candidate.serving) return `not a synced node of the primary component (${candidate.state})`;
  if (!candidate.reach) return 'its binary log could not be read';
  const coverage = binlogCoversPosition(position, candidate.reach);
  return coverage.covered ? null : coverage.reason;
}

/**
 * Chooses what to do with the replica now. Pure: the caller carries `watch` to the next call. The
 * failing time restarts whenever the source changes, so a repoint just made is given the grace
 * period to connect before it is judged, and a repeated observation never repoints twice.
 */
export function decideReplicaSource(observation: FollowerObservation, previous: SourceWatch | null, settings: FollowerSettings): { decision: FollowDecision; watch: SourceWatch | null } {
  const { replica } = observation;
  if (!observation.replicaReadOnly) {
    return { decision: { action: 'hands-off', source: replica ? nodeAddress({ host: replica.sourceHost, port: replica.sourcePort }) : null, reason: 'the server is not read_only: it is not the statistics replica, or someone made it writable' }, watch: null };
  }
  if (!replica) return { decision: { action: 'hands-off', source: null, reason: 'the replica has no source configured: seed it and point it at a node first' }, watch: null };
  const source = nodeAddress({ host: replica.sourceHost, port: replica.sourcePort });
  const handsOff = handsOffReason(replica);
  if (handsOff !== null) return { decision: { action: 'hands-off', source, reason: handsOff }, watch: null };

  const sourceObservation = observation.nodes.find((node) => nodeAddress(node.node) === source) ?? observation.unlistedSource;
  const problem = sourceProblem(replica, sourceObservation);
  if (problem === null) return { decision: { action: 'stay', source }, watch: { source, failingSince: null } };

  const failingSince = previous?.source === source && previous.failingSince !== null ? previous.failingSince : observation.at;
  const watch = { source, failingSince };
  const failingForMs = observation.at - failingSince;
  if (failingForMs < settings.graceMs) return { decision: { action: 'wait', source, problem, failingForMs }, watch };

  const rejected: NodeRejection[] = [];
  for (const candidate of observation.nodes) {
    const address = nodeAddress(candidate.node);
    if (address === source) continue;
    const reason = judgeCandidate(candidate, observation.position);
    if (reason === null) return { decision: { action: 'repoint', source, problem, to: candidate.node, rejected }, watch };
    rejected.push({ node: address, reason });
  }
  return { decision: { action: 'blocked', source, problem, rejected }, watch };
}

/** One line for a log or a CLI: what was decided and why. */
export function describeDecision(decision: FollowDecision): string {
  const rejections = (rejected: readonly NodeRejection[]) => rejected.map((rejection) => `${rejection.node} ${rejection.reason}`).join('; ');
  switch (decision.action) {
    case 'stay':
      return `following ${decision.source}`;
    case 'wait':
      return `${decision.source}: ${decision.problem}, for ${Math.round(decision.failingForMs / 100) / 10} s; waiting before repointing`;
    case 'repoint':
      return `repointing from ${decision.source} to ${nodeAddress(decision.to)}: ${decision.problem}${decision.rejected.length > 0 ? ` (passed over: ${rejections(decision.rejected)})` : ''}`;
    case 'blocked':
      return `cannot repoint the statistics replica from ${decision.source} (${decision.problem}): ${decision.rejected.length > 0 ? rejections(decision.rejected) : 'no other node is configured'}; re-seed the replica or bring a node back`;
    case 'hands-off':
      return decision.reason;
  }
}
