import type { ControlledTransaction, Kysely } from 'kysely';
import { runSqlOn, type Database } from './database.ts';
import { readLastGtid, type RunSql } from './mariadb-dialect.ts';

export interface CommittedWrite<T> {
  result: T;
  /** GTID of the committed transaction: the read-your-writes token. Null when nothing was written. */
  gtid: string | null;
}

/**
 * A transaction held open across several steps of one request (the idempotency key, the write,
 * the stored answer): it ends only by `commit` or `rollback`, each of which releases its connection.
 */
export interface OpenTransaction<DB> {
  readonly trx: Kysely<DB>;
  /** Plain SQL inside the transaction. */
  readonly runSql: RunSql;
  /** Commits and returns the GTID, read on the same connection (null if that read failed after the commit). */
  commit(): Promise<{ gtid: string | null }>;
  rollback(): Promise<void>;
}

/** Every write of a service goes through one of these: a transaction on the primary that reports its GTID. */
export interface UnitOfWork<DB> {
  run<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<CommittedWrite<T>>;
  /** Opens a transaction the caller ends itself (at most one commit or rollback). */
  begin(): Promise<OpenTransaction<DB>>;
}

/**
 * Runs `work` in one transaction on the primary and reads `@@last_gtid` on the same connection
 * right after commit, which is the only place that value is meaningful. A client that sends the
 * GTID back (x-consistency-token) is guaranteed to read its own write, on any instance.
 */
export function createUnitOfWork<DB>(primary: Pick<Database<DB>, 'db'>): UnitOfWork<DB> {
  return {
    run: (work) =>
      primary.db.connection().execute(async (connection) => {
        const result = await connection.transaction().execute(work);
        const gtid = await readLastGtid(runSqlOn(connection));
        return { result, gtid };
      }),

    async begin() {
      // Kysely lends a connection for the length of a callback: the callback waits until the transaction ends.
      let release!: () => void;
      const ended = new Promise<void>((resolve) => (release = resolve));
      const connection = await new Promise<Kysely<DB>>((resolve, reject) => {
        primary.db
          .connection()
          .execute(async (lent) => {
            resolve(lent);
            await ended;
          })
          .catch(reject);
      });
      let trx: ControlledTransaction<DB>;
      try {
        trx = await connection.startTransaction().execute();
      } catch (error) {
        release();
        throw error;
      }
      let finished = false;
      const finish = async <T>(step: () => Promise<T>): Promise<T> => {
        if (finished) throw new Error('the transaction has already ended');
        finished = true;
        try {
          return await step();
        } finally {
          release();
        }
      };
      return {
        trx,
        runSql: runSqlOn(trx),
        commit: () =>
          finish(async () => {
            await trx.commit().execute();
            const gtid = await readLastGtid(runSqlOn(connection)).catch(() => null);
            return { gtid };
          }),
        rollback: () =>
          finish(async () => {
            await trx.rollback().execute();
          }),
      };
    },
  };
}
