import type { PoolConnection } from 'mysql2';
import type { Compilable } from 'kysely';
import { isStatementTimeout, stopStatementSql, withStatementTimeLimit, type Database } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { ReportRefusal } from '../guard/refusal.ts';

/** Rows handed on at a time; the connection stops reading the socket while a batch waits. */
const BATCH_ROWS = 1000;

function connectionOf(database: Database<Schema>): Promise<PoolConnection> {
  return new Promise((resolve, reject) => database.pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection))));
}

/**
 * mysql2 keeps a query's inactivity timer (the client timeout) running when its connection is
 * destroyed mid-result; the timer would keep a CLI that stopped early alive for that long.
 */
function clearInactivityTimer(query: object | null): void {
  const timer = (query as { queryTimeout?: ReturnType<typeof setTimeout> | null } | null)?.queryTimeout;
  if (timer) clearTimeout(timer);
}

/**
 * Streams a query's rows in batches, with the replica's own time limit on the statement
 * (SET STATEMENT max_statement_time … FOR SELECT …). Kysely builds and compiles the SQL; the rows
 * come straight off the pooled mysql2 connection, paused whenever a batch is waiting, so memory
 * holds at most a batch or two whatever the result's size. (Kysely's own `.stream()` hands rows
 * on one at a time through several async generators: measured at three times the raw SQL's time
 * on 275,000 rows, against about one here.)
 */
export async function* streamWithTimeLimit<Row>(database: Database<Schema>, query: Compilable<Row>, timeLimitS: number, signal?: AbortSignal): AsyncGenerator<Row[]> {
  signal?.throwIfAborted();
  const compiled = query.compile();
  const connection = await connectionOf(database);
  let finished = false;
  let sent: ReturnType<PoolConnection['query']> | null = null;
  let stopWhenAborted: (() => void) | null = null;
  try {
    const ready: Row[][] = [];
    let batch: Row[] = [];
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      const resume = wake;
      wake = null;
      resume?.();
    };
    sent = connection.query(withStatementTimeLimit(compiled.sql, timeLimitS), [...compiled.parameters]);
    sent
      .on('result', (row) => {
        batch.push(row as Row);
        if (batch.length < BATCH_ROWS) return;
        ready.push(batch);
        batch = [];
        connection.pause();
        notify();
      })
      .on('error', (error) => {
        failure = error;
        notify();
      })
      .on('end', () => {
        if (batch.length > 0) ready.push(batch);
        finished = true;
        notify();
      });
    // A reader that went away stops the statement on the replica now (its sort included), not
    // when the replica next writes to a connection the client has dropped.
    stopWhenAborted = () => {
      if (finished) return;
      database.runSql(stopStatementSql(connection.threadId)).catch(() => {});
      failure ??= signal?.reason ?? new Error('the report was stopped');
      notify();
    };
    signal?.addEventListener('abort', stopWhenAborted, { once: true });
    if (signal?.aborted) stopWhenAborted();
    for (;;) {
      const next = ready.shift();
      if (next) {
        if (ready.length === 0 && !finished) connection.resume();
        yield next;
        continue;
      }
      if (failure !== null) throw failure;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (error) {
    if (isStatementTimeout(error)) throw new ReportRefusal('report_query_timeout', `a report query ran past its ${timeLimitS} s limit on the replica and was stopped; narrow the range or filters`, 60);
    throw error;
  } finally {
    if (stopWhenAborted) signal?.removeEventListener('abort', stopWhenAborted);
    // A connection left mid-result cannot serve another query: it is closed, not returned.
    if (finished) {
      connection.release();
    } else {
      clearInactivityTimer(sent);
      connection.destroy();
    }
  }
}
