import type { Kysely } from 'kysely';
import { runSqlOn, type Database } from './database.ts';
import { readLastGtid } from './mariadb-dialect.ts';

export interface CommittedWrite<T> {
  result: T;
  /** GTID of the committed transaction: the read-your-writes token. Null when nothing was written. */
  gtid: string | null;
}

/** Every write of a service goes through one of these: a transaction on the primary that reports its GTID. */
export interface UnitOfWork<DB> {
  run<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<CommittedWrite<T>>;
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
  };
}
