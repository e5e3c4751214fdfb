import type { Kysely } from 'kysely';
import { createPeriodicTask } from '../periodic-task/periodic-task.ts';
import type { Database } from './database.ts';
import { heartbeatIntervalSeconds, isGtidList, readHeartbeatLagSeconds, waitForGtid } from './mariadb-dialect.ts';
import { ReachedGtids } from './reached-gtids.ts';

export type ReplicaState = 'unknown' | 'healthy' | 'lagging' | 'down';

export interface ReplicaHealth {
  state: ReplicaState;
  lagSeconds: number | null;
  lastError: string | null;
  checkedAt: Date | null;
}

export const readDecisionReasons = [
  'replica',
  'replica_gtid_reached',
  'replica_gtid_known',
  'primary_replica_unavailable',
  'primary_gtid_timeout',
  'primary_replica_failed',
  'replica_primary_unavailable',
] as const;
export type ReadDecisionReason = (typeof readDecisionReasons)[number];

export interface ReadChoice<DB> {
  db: Kysely<DB>;
  target: 'primary' | 'replica';
  reason: ReadDecisionReason;
}

export interface ReadRouterOptions<DB> {
  primary: Database<DB>;
  replica: Database<DB>;
  /** Above this lag the replica stops serving reads. */
  maxLagSeconds: number;
  /** The replica serves again only once lag is at or below this, `recoverChecks` times in a row. */
  recoverLagSeconds: number;
  recoverChecks?: number;
  checkIntervalMs: number;
  /** How long a read waits for the replica to apply the client's last write. */
  gtidWaitTimeoutMs: number;
  /**
   * Whether the primary is reachable now (see watchServerAvailability). While it is not, reads that
   * would have moved to it for freshness stay on a replica that still answers: with no primary the
   * replica's data is the newest there is (its heartbeat stops, so the lag it reports keeps growing
   * and the freshness headers say so).
   */
  primaryAvailable?: () => boolean;
  onDecision?: (reason: ReadDecisionReason) => void;
  onStateChange?: (from: ReplicaState, to: ReplicaState, health: ReplicaHealth) => void;
}

export interface ReadRouter<DB> {
  start(): Promise<void>;
  /** Stops the checks; waits for a check in flight. */
  stop(): Promise<void>;
  checkNow(): Promise<ReplicaHealth>;
  health(): ReplicaHealth;
  /** Picks where one request's reads go; `consistencyToken` is the GTID of the client's last write. */
  chooseReader(consistencyToken: string | null): Promise<ReadChoice<DB>>;
  /**
   * One request's reads: the server is chosen on the first read and kept for the rest; if the
   * replica fails mid-request, it is marked down and this and every later read go to the primary.
   */
  openSession(consistencyToken: string | null): ReadSession<DB>;
  /** A one-read session. */
  read<T>(consistencyToken: string | null, read: ReadOnChosenServer<DB, T>): Promise<T>;
}

export type ReadOnChosenServer<DB, T> = (db: Kysely<DB>, choice: ReadChoice<DB>) => Promise<T>;

/** How fresh a response's data is, for the client (see the gateway's x-read-source headers). */
export interface ReadFreshness {
  source: 'primary' | 'replica';
  /**
   * Upper bound on how far the data may trail the primary's commits: 0 on the primary; on the
   * replica, the lag last measured plus the heartbeat's resolution plus the age of that measurement.
   */
  lagBoundMs: number;
}

export interface ReadSession<DB> {
  run<T>(read: ReadOnChosenServer<DB, T>): Promise<T>;
  /** Where this session's reads went (after any fallback); null before the first read. */
  freshness(): ReadFreshness | null;
}

/**
 * Decides per request whether reads may go to the replica. No per-process memory of who wrote
 * what: read-your-writes rests on the client's GTID token alone, so any gateway instance can
 * serve the next request. Lag comes from the heartbeat row, with hysteresis against flapping.
 */
export function createReadRouter<DB>(options: ReadRouterOptions<DB>): ReadRouter<DB> {
  const recoverChecks = options.recoverChecks ?? 3;
  let health: ReplicaHealth = { state: 'unknown', lagSeconds: null, lastError: null, checkedAt: null };
  let goodChecksInARow = 0;
  /** What the replica's GTID waits reached, forgotten whenever it goes down (it may come back rebuilt). */
  const reached = new ReachedGtids();

  function moveTo(state: ReplicaState, lagSeconds: number | null, lastError: string | null): void {
    const previous = health.state;
    if (state === 'down') reached.forget();
    health = { state, lagSeconds, lastError, checkedAt: new Date() };
    if (previous !== state) options.onStateChange?.(previous, state, health);
  }

  function observe(lagSeconds: number | null, error: string | null): void {
    if (error !== null || lagSeconds === null) {
      goodChecksInARow = 0;
      moveTo('down', null, error ?? 'no heartbeat row on the replica');
      return;
    }
    if (health.state === 'healthy') {
      if (lagSeconds > options.maxLagSeconds) goodChecksInARow = 0;
      moveTo(lagSeconds > options.maxLagSeconds ? 'lagging' : 'healthy', lagSeconds, null);
      return;
    }
    goodChecksInARow = lagSeconds <= options.recoverLagSeconds ? goodChecksInARow + 1 : 0;
    // The first check at start needs no streak: there was no flapping yet to guard against.
    const needed = health.state === 'unknown' ? 1 : recoverChecks;
    moveTo(goodChecksInARow >= needed ? 'healthy' : 'lagging', lagSeconds, null);
  }

  // A failed check is the state it records (down), so the task has nothing to log.
  const checking = createPeriodicTask({
    name: 'replica_health_check',
    intervalMs: options.checkIntervalMs,
    runAtStart: true,
    async run() {
      try {
        observe(await readHeartbeatLagSeconds(options.replica.runSql), null);
      } catch (error) {
        observe(null, error instanceof Error ? error.message : String(error));
      }
    },
  });

  async function checkNow(): Promise<ReplicaHealth> {
    await checking.runNow();
    return health;
  }


  function decide(choice: Omit<ReadChoice<DB>, 'db'>): ReadChoice<DB> {
    options.onDecision?.(choice.reason);
    return { ...choice, db: choice.target === 'primary' ? options.primary.db : options.replica.db };
  }

  async function chooseReader(consistencyToken: string | null): Promise<ReadChoice<DB>> {
    const primaryDown = options.primaryAvailable?.() === false;
    if (health.state !== 'healthy') {
      if (primaryDown && health.state === 'lagging') return decide({ target: 'replica', reason: 'replica_primary_unavailable' });
      return decide({ target: 'primary', reason: 'primary_replica_unavailable' });
    }
    if (consistencyToken === null) return decide({ target: 'replica', reason: 'replica' });
    if (!isGtidList(consistencyToken)) throw new TypeError('consistency token is not a GTID list');
    if (primaryDown) return decide({ target: 'replica', reason: 'replica_primary_unavailable' });
    if (reached.covers(consistencyToken)) return decide({ target: 'replica', reason: 'replica_gtid_known' });
    try {
      const outcome = await waitForGtid(options.replica.runSql, consistencyToken, options.gtidWaitTimeoutMs);
      if (outcome === 'timeout') return decide({ target: 'primary', reason: 'primary_gtid_timeout' });
      reached.record(consistencyToken);
      return decide({ target: 'replica', reason: 'replica_gtid_reached' });
    } catch (error) {
      observe(null, error instanceof Error ? error.message : String(error));
      return decide({ target: 'primary', reason: 'primary_replica_failed' });
    }
  }

  function lagBoundMs(): number {
    const measuredAt = health.checkedAt?.getTime() ?? Date.now();
    return Math.ceil(((health.lagSeconds ?? 0) + heartbeatIntervalSeconds) * 1000 + Math.max(0, Date.now() - measuredAt));
  }

  function openSession(consistencyToken: string | null): ReadSession<DB> {
    let choice: Promise<ReadChoice<DB>> | null = null;
    let servedFrom: ReadChoice<DB>['target'] | null = null;
    return {
      freshness: () => (servedFrom === null ? null : { source: servedFrom, lagBoundMs: servedFrom === 'primary' ? 0 : lagBoundMs() }),
      async run(read) {
        choice ??= chooseReader(consistencyToken);
        const chosen = await choice;
        servedFrom = chosen.target;
        if (chosen.target === 'primary') return read(chosen.db, chosen);
        try {
          return await read(chosen.db, chosen);
        } catch (error) {
          if (!isConnectionFailure(error)) throw error;
          observe(null, (error as Error).message);
          const fallback = decide({ target: 'primary', reason: 'primary_replica_failed' });
          choice = Promise.resolve(fallback);
          servedFrom = 'primary';
          return read(fallback.db, fallback);
        }
      },
    };
  }

  return {
    start: () => checking.start(),
    stop: () => checking.stop(),
    checkNow,
    health: () => health,
    chooseReader,
    openSession,
    read: (consistencyToken, read) => openSession(consistencyToken).run(read),
  };
}

const connectionFailureCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/** Errors that say the server is gone or unreachable, as opposed to a bad query. */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (connectionFailureCodes.has(code) || code.startsWith('ECONN'));
}
