import type { Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { ClusterMonitor, ClusterNodeAddress } from './cluster-monitor.ts';
import { isClusterUnavailable, NoWritableNodeError } from './cluster-errors.ts';
import { clusterGtidOf, waitForGaleraGtid } from './galera-dialect.ts';
import { isGtidList } from './mariadb-dialect.ts';
import { ReachedGtids } from './reached-gtids.ts';
import type { ReadFreshness } from './read-router.ts';

export const clusterReadDecisionReasons = [
  'reader',
  'reader_gtid_reached',
  'reader_gtid_known',
  'writer_only_node',
  'writer_gtid_timeout',
  'writer_token_not_from_cluster',
  'writer_reader_failed',
  'writer_writer_failed',
] as const;
export type ClusterReadDecisionReason = (typeof clusterReadDecisionReasons)[number];

/** A node's database as a read uses it: Kysely for any statement, the pool's path for compiled ones. */
export type ClusterNodeDatabase<DB> = Pick<Database<DB>, 'db' | 'runSql' | 'queryRows'>;

export interface ClusterReadChoice<DB> {
  db: Kysely<DB>;
  /** The chosen node's database (`db` is its Kysely). */
  database: ClusterNodeDatabase<DB>;
  node: string;
  target: 'writer' | 'reader';
  reason: ClusterReadDecisionReason;
}

export type ReadOnClusterNode<DB, T> = (db: Kysely<DB>, choice: ClusterReadChoice<DB>) => Promise<T>;

export interface ClusterReadSession<DB> {
  /** Runs one read of the request; the node is chosen on the first read and kept for the rest. */
  run<T>(read: ReadOnClusterNode<DB, T>): Promise<T>;
  /** Where this session's reads went (after any fallback); null before the first read. */
  freshness(): ReadFreshness | null;
}

export interface ClusterReadSessionOptions<DB> {
  monitor: Pick<ClusterMonitor, 'writer' | 'readers' | 'gtidIdentity' | 'servingPeriod' | 'recheckNow' | 'reachable'>;
  databaseOf(node: ClusterNodeAddress): ClusterNodeDatabase<DB>;
  /** How long a read waits on a reader for the client's last write before it goes to the writer. */
  gtidWaitTimeoutMs: number;
  /**
   * The lag bound reported for a read on a reader without a token: a synced node applies what the
   * cluster ordered as it arrives (flow control keeps its queue short), but nothing bounds that
   * in time, so this is a stated allowance, not a measurement.
   */
  readerLagBoundMs: number;
  /**
   * How long a read waits for a writer while the nodes answer but none serves (default 2000). A
   * node's loss or return is a view change, and for its length (up to about 2 s seen on a loaded
   * machine) every node is outside a primary component and refuses even reads (1047).
   */
  viewChangeWaitMs?: number;
  onDecision?(reason: ClusterReadDecisionReason): void;
}

/** How often a read waiting out a view change probes the cluster again. */
const VIEW_CHANGE_RECHECK_MS = 100;

/**
 * Read sessions over a Galera cluster, shaped like the read router's so a gateway can switch with
 * little change. Read-your-writes rests on the client's token (the GTID of its last write): a
 * reader waits for it with WSREP_SYNC_WAIT_UPTO_GTID, bounded, and the read goes to the writer when
 * the wait runs out or the reader fails. Reads spread over the readers in turn. What a reader's wait
 * reached is remembered for its current period of serving (the monitor's: it ends when a probe
 * finds the node not serving, however briefly), so a token it already reached is read there at once.
 *
 * Freshness: the writer reports `primary` with bound 0. A reader that reached the token reports
 * `replica` with bound 0: every write the client made is visible, which is what the token asks
 * for (later writes of others may still be applying). A reader without a token reports `replica`
 * with `readerLagBoundMs`.
 */
export function createClusterReadSessions<DB>(options: ClusterReadSessionOptions<DB>): { openSession(consistencyToken: string | null): ClusterReadSession<DB> } {
  let turn = 0;
  const viewChangeWaitMs = options.viewChangeWaitMs ?? 2000;
  /** Per reader, the cluster GTIDs its waits reached in one period of serving, under the cluster identity they were read under. */
  const reachedByReader = new Map<string, { servingPeriod: number; reached: ReachedGtids }>();
  let reachedIdentity: string | null = null;

  /**
   * The reader's memory of reached GTIDs for its current period of serving: a reader that stopped
   * serving since (even between two reads) starts empty, as it does after a change of identity.
   */
  function reachedOn(reader: ClusterNodeAddress, identity: string): ReachedGtids {
    if (identity !== reachedIdentity) {
      reachedByReader.clear();
      reachedIdentity = identity;
    }
    const servingPeriod = options.monitor.servingPeriod(reader.name);
    // Not seen serving by the monitor: nothing learnt there is kept.
    if (servingPeriod === null) return new ReachedGtids();
    let entry = reachedByReader.get(reader.name);
    if (entry?.servingPeriod !== servingPeriod) {
      entry = { servingPeriod, reached: new ReachedGtids() };
      reachedByReader.set(reader.name, entry);
    }
    return entry.reached;
  }

  function decide(node: ClusterNodeAddress, target: ClusterReadChoice<DB>['target'], reason: ClusterReadDecisionReason): ClusterReadChoice<DB> {
    options.onDecision?.(reason);
    const database = options.databaseOf(node);
    return { db: database.db, database, node: node.name, target, reason };
  }

  function currentWriter(): ClusterNodeAddress {
    const writer = options.monitor.writer();
    if (!writer) throw new NoWritableNodeError();
    return writer;
  }

  /**
   * The writer for a read, waiting out a view change: while no node serves but some node answers,
   * probe again every VIEW_CHANGE_RECHECK_MS for at most viewChangeWaitMs. With no node reachable
   * (all down or cut off) it fails at once, as it does once the wait runs out (quorum lost).
   */
  async function writerForRead(): Promise<ClusterNodeAddress> {
    const deadline = Date.now() + viewChangeWaitMs;
    for (;;) {
      const writer = options.monitor.writer();
      if (writer) return writer;
      const left = deadline - Date.now();
      if (left <= 0 || !options.monitor.reachable()) throw new NoWritableNodeError();
      await new Promise((resolve) => setTimeout(resolve, Math.min(VIEW_CHANGE_RECHECK_MS, left)));
      await options.monitor.recheckNow();
    }
  }

  async function chooseNode(consistencyToken: string | null): Promise<ClusterReadChoice<DB>> {
    if (consistencyToken !== null && !isGtidList(consistencyToken)) throw new TypeError('consistency token is not a GTID list');
    const writer = await writerForRead();
    const readers = options.monitor.readers();
    const reader = readers[turn++ % readers.length]!;
    if (reader.name === writer.name) return decide(writer, 'writer', 'writer_only_node');
    if (consistencyToken === null) return decide(reader, 'reader', 'reader');
    const identity = options.monitor.gtidIdentity();
    const gtid = identity && clusterGtidOf(consistencyToken, identity);
    // A token the cluster did not write (before a move to it, or GTID mode off) cannot be waited for.
    if (!gtid) return decide(writer, 'writer', 'writer_token_not_from_cluster');
    const reached = reachedOn(reader, `${identity.domainId}-${identity.serverId}`);
    if (reached.covers(gtid)) return decide(reader, 'reader', 'reader_gtid_known');
    try {
      const outcome = await waitForGaleraGtid(options.databaseOf(reader).runSql, gtid, options.gtidWaitTimeoutMs);
      if (outcome === 'timeout') return decide(writer, 'writer', 'writer_gtid_timeout');
      reached.record(gtid);
      return decide(reader, 'reader', 'reader_gtid_reached');
    } catch (error) {
      reachedByReader.delete(reader.name);
      if (isClusterUnavailable(error)) void options.monitor.recheckNow();
      return decide(currentWriter(), 'writer', 'writer_reader_failed');
    }
  }

  function openSession(consistencyToken: string | null): ClusterReadSession<DB> {
    let choice: Promise<ClusterReadChoice<DB>> | null = null;
    let served: ClusterReadChoice<DB> | null = null;
    return {
      freshness() {
        if (served === null) return null;
        if (served.target === 'writer') return { source: 'primary', lagBoundMs: 0 };
        return { source: 'replica', lagBoundMs: served.reason === 'reader_gtid_reached' || served.reason === 'reader_gtid_known' ? 0 : options.readerLagBoundMs };
      },
      async run(read) {
        choice ??= chooseNode(consistencyToken);
        const chosen = await choice;
        served = chosen;
        try {
          return await read(chosen.db, chosen);
        } catch (error) {
          if (!isClusterUnavailable(error)) throw error;
          if (chosen.target === 'reader') reachedByReader.delete(chosen.node);
          // Reads are safe to repeat, once: on the writer after a reader failed; after the writer
          // failed, on the writer a fresh probe finds, if it is another node; and, when no node
          // serves, on the writer once a view change is over (even the same node: it serves again).
          const recheck = options.monitor.recheckNow();
          if (chosen.target === 'writer' || options.monitor.writer() === null) await recheck;
          let writer = options.monitor.writer();
          let waitedOutViewChange = false;
          if (!writer) {
            writer = await writerForRead().catch(() => null);
            waitedOutViewChange = writer !== null;
          }
          if (!writer || (writer.name === chosen.node && !waitedOutViewChange)) throw error;
          const fallback = decide(writer, 'writer', chosen.target === 'writer' ? 'writer_writer_failed' : 'writer_reader_failed');
          choice = Promise.resolve(fallback);
          served = fallback;
          return read(fallback.db, fallback);
        }
      },
    };
  }

  return { openSession };
}
