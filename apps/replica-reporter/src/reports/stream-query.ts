import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import { isStatementTimeout, withStatementTimeLimit } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { ReportRefusal } from '../guard/refusal.ts';

/** Rows stream from the replica in chunks; nothing holds a whole result. */
const STREAM_CHUNK_ROWS = 1000;

/**
 * Streams a Kysely query's rows with the replica's own time limit on the statement
 * (SET STATEMENT max_statement_time … FOR SELECT …), the same path `.stream()` takes.
 * `onRow` counts progress.
 */
export async function* streamWithTimeLimit<Row>(db: Kysely<Schema>, query: Compilable<Row>, timeLimitS: number): AsyncGenerator<Row> {
  const compiled = query.compile();
  const limited = CompiledQuery.raw(withStatementTimeLimit(compiled.sql, timeLimitS), [...compiled.parameters]);
  try {
    for await (const result of db.getExecutor().stream(limited, STREAM_CHUNK_ROWS)) {
      for (const row of result.rows as Row[]) yield row;
    }
  } catch (error) {
    if (isStatementTimeout(error)) throw new ReportRefusal('report_query_timeout', `a report query ran past its ${timeLimitS} s limit on the replica and was stopped; narrow the range or filters`, 60);
    throw error;
  }
}
