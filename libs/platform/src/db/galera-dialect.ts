/**
 * The statements a Galera cluster (MariaDB 10.11, galera-4) needs beyond mariadb-dialect.ts: a
 * node's replication state and the wait for a GTID on a node. `@@last_gtid` after a commit
 * (readLastGtid) works on a node as on a standalone server when `wsrep_gtid_mode=ON`.
 */
import type { Row, RunSql } from './mariadb-dialect.ts';

/** `wsrep_local_state` of a node that has applied everything the cluster ordered (4, "Synced"). */
export const galeraSyncedState = 4;

export type GaleraClusterStatus = 'Primary' | 'non-Primary' | 'Disconnected';

/** What a node says about itself in SHOW GLOBAL STATUS. */
export interface GaleraNodeState {
  /** 1 Joining, 2 Donor/Desynced, 3 Joined, 4 Synced; null when the node does not report it (wsrep off). */
  localState: number | null;
  localStateComment: string;
  /** The node accepts queries (`wsrep_ready`). */
  ready: boolean;
  /** Primary while the node is in the component that has quorum. */
  clusterStatus: GaleraClusterStatus | string;
  clusterSize: number;
  /** The node's group connection is up (`wsrep_connected`). */
  connected: boolean;
  /** The cluster-wide sequence number of the last writeset the node committed. */
  lastCommitted: number | null;
}

/** The domain and server id in the GTIDs the cluster writes, and whether it writes them at all. */
export interface GaleraGtidIdentity {
  domainId: number;
  serverId: number;
  gtidModeOn: boolean;
}

const stateVariables = [
  'wsrep_local_state',
  'wsrep_local_state_comment',
  'wsrep_ready',
  'wsrep_cluster_status',
  'wsrep_cluster_size',
  'wsrep_connected',
  'wsrep_last_committed',
] as const;

/**
 * Reads a node's state. Status variables are read in a statement of their own: a SELECT that
 * mixed a server variable with a table read returned a wrong value on this stack.
 */
export async function readGaleraNodeState(run: RunSql): Promise<GaleraNodeState> {
  return parseGaleraNodeState(await run(`SHOW GLOBAL STATUS WHERE Variable_name IN (${stateVariables.map((name) => `'${name}'`).join(', ')})`));
}

export function parseGaleraNodeState(rows: readonly Row[]): GaleraNodeState {
  const values = new Map(rows.map((row) => [String(row['Variable_name']).toLowerCase(), String(row['Value'] ?? '')]));
  const numberOf = (name: string): number | null => {
    const text = values.get(name);
    return text === undefined || text === '' || !Number.isFinite(Number(text)) ? null : Number(text);
  };
  return {
    localState: numberOf('wsrep_local_state'),
    localStateComment: values.get('wsrep_local_state_comment') ?? 'unknown',
    ready: values.get('wsrep_ready') === 'ON',
    clusterStatus: values.get('wsrep_cluster_status') ?? 'Disconnected',
    clusterSize: numberOf('wsrep_cluster_size') ?? 0,
    connected: values.get('wsrep_connected') === 'ON',
    lastCommitted: numberOf('wsrep_last_committed'),
  };
}

export async function readGaleraGtidIdentity(run: RunSql): Promise<GaleraGtidIdentity> {
  const [row] = await run('SELECT @@wsrep_gtid_domain_id AS domainId, @@server_id AS serverId, @@wsrep_gtid_mode AS gtidMode');
  return { domainId: Number(row?.['domainId']), serverId: Number(row?.['serverId']), gtidModeOn: Number(row?.['gtidMode']) === 1 };
}

/** Synced: the node has applied every writeset the cluster ordered, up to flow control's small queue. */
export function isSyncedNode(state: GaleraNodeState): boolean {
  return state.localState === galeraSyncedState;
}

/** A node that takes writes and reads now: synced, ready, and in the component with quorum. */
export function isServingNode(state: GaleraNodeState): boolean {
  return isSyncedNode(state) && state.ready && state.clusterStatus === 'Primary';
}

/**
 * The one GTID of a token that a wait on the cluster can honour, or null. WSREP_SYNC_WAIT_UPTO_GTID
 * takes a single GTID (a list is ER_WRONG_ARGUMENTS) and answers "reached" at once for a GTID
 * whose domain or server id is not the cluster's, so such a token proves nothing.
 */
export function clusterGtidOf(token: string, identity: GaleraGtidIdentity): string | null {
  if (!identity.gtidModeOn) return null;
  for (const gtid of token.split(',')) {
    const [domainId, serverId, sequence] = gtid.split('-');
    if (Number(domainId) === identity.domainId && Number(serverId) === identity.serverId && /^\d+$/.test(sequence ?? '')) return gtid;
  }
  return null;
}

/**
 * Runs each statement as a causal read on a node (`wsrep_sync_wait = 1` for that statement only,
 * so a pooled connection keeps no session state): the node first applies every writeset the
 * cluster ordered before the statement. A node that has just become the writer may still hold
 * writesets of the old writer in its queue; a plain read there would miss them.
 */
export function causalReadsOn(run: RunSql): RunSql {
  return (statement, params) => run(`SET STATEMENT wsrep_sync_wait = 1 FOR ${statement}`, params);
}

export type GaleraGtidWaitResult = 'reached' | 'timeout';

/** ER_LOCK_WAIT_TIMEOUT: how WSREP_SYNC_WAIT_UPTO_GTID reports that its timeout ran out. */
const waitTimedOutErrno = 1205;

/**
 * Waits on a node until it has committed `gtid`, for at most `timeoutMs`.
 * WSREP_SYNC_WAIT_UPTO_GTID returns 1 once the node committed the GTID and raises 1205 when its
 * timeout runs out; it takes the timeout in whole seconds and truncates a fraction (0.3 times out at
 * once). So whole seconds are waited on the server and a remainder below one second is polled with
 * a zero timeout (an immediate answer) every `pollIntervalMs`.
 */
export async function waitForGaleraGtid(run: RunSql, gtid: string, timeoutMs: number, pollIntervalMs = 10): Promise<GaleraGtidWaitResult> {
  const deadline = Date.now() + Math.max(0, timeoutMs);
  for (;;) {
    const remainingMs = deadline - Date.now();
    try {
      const [row] = await run('SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, ?) AS reached', [gtid, Math.max(0, Math.floor(remainingMs / 1000))]);
      if (Number(row?.['reached']) === 1) return 'reached';
      throw new Error(`WSREP_SYNC_WAIT_UPTO_GTID answered ${String(row?.['reached'])}`);
    } catch (error) {
      if ((error as { errno?: unknown } | null)?.errno !== waitTimedOutErrno) throw error;
    }
    const left = deadline - Date.now();
    if (left <= 0) return 'timeout';
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollIntervalMs, left)));
  }
}

/**
 * ER_UNKNOWN_COM_ERROR, "WSREP has not yet prepared node for application use": the node is not in
 * a primary component (lost quorum, or still joining) and refused the statement without running it.
 */
export function isNodeNotPrepared(error: unknown): boolean {
  return (error as { errno?: unknown } | null)?.errno === 1047;
}

/**
 * ER_ERROR_DURING_COMMIT with the provider saying it is not connected to the primary component: a
 * write that was running when its node lost the others (a partition, or quorum lost). Its
 * write-set was never ordered by the cluster, so it committed nowhere and the node rolled it back.
 */
export function isCommitOutsidePrimaryComponent(error: unknown): boolean {
  const { errno, message } = (error ?? {}) as { errno?: unknown; message?: unknown };
  return errno === 1180 && typeof message === 'string' && /not connected to primary component/i.test(message);
}

/**
 * Makes the node's component Primary after quorum loss (`pc.bootstrap`). Only on the most advanced
 * survivor: writesets that only another node committed would otherwise be lost or conflict.
 */
export async function bootstrapPrimaryComponent(run: RunSql): Promise<void> {
  await run("SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'");
}
