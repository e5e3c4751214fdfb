import { sql } from 'kysely';
import type { Compilable, CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { CursorPosition } from '../pagination.ts';

/**
 * Rows strictly after the cursor in (created_at desc, id desc) order. Spelled as an OR so
 * MariaDB can range-scan the (…, created_at, id) indexes.
 */
export function afterCursor(createdAtColumn: string, idColumn: string, after: CursorPosition): RawBuilder<boolean> {
  const createdAt = sql.ref(createdAtColumn);
  const id = sql.ref(idColumn);
  return sql<boolean>`(${createdAt} < ${after.createdAt} or (${createdAt} = ${after.createdAt} and ${id} < ${after.id}))`;
}

/** Groups rows by a numeric key, in row order: batches of child rows back onto their parents. */
export function groupBy<R, V>(rows: readonly R[], keyOf: (row: R) => number, valueOf: (row: R) => V): Map<number, V[]> {
  const groups = new Map<number, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key) ?? [];
    group.push(valueOf(row));
    groups.set(key, group);
  }
  return groups;
}

/** mysql2 reports unique-key violations as ER_DUP_ENTRY (errno 1062). */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return code === 'ER_DUP_ENTRY' || errno === 1062;
}

/** Insert ids arrive as bigint; our ids stay far below 2^53. */
export function insertedId(result: { insertId?: bigint | number | undefined }): number {
  if (result.insertId === undefined) throw new Error('insert returned no id');
  return Number(result.insertId);
}

/** Runs a statement Kysely compiled and answers its rows. */
export type QueryRows = <R>(query: CompiledQuery<R>) => Promise<R[]>;

/** QueryRows through Kysely's own executor: what repositories use unless their host passes a thinner one. */
export function queryRowsThrough<DB>(db: Kysely<DB>): QueryRows {
  return async (query) => (await db.executeQuery(query)).rows;
}

/**
 * A query of fixed shape, built and compiled by Kysely once and then run with each call's values:
 * building and compiling on every call was the largest cost of a read by id after the socket writes
 * (docs/performance.md). `build` is called on first use with placeholder values; `run(values)`
 * must pass the real ones in the order the compiled statement lists its parameters. Every run
 * shares the one compilation (and its queryId), so it is only for a Kysely without plugins, which
 * would see one transformQuery for many results: ours have none.
 */
export function reusableQuery<R>(build: () => Compilable<R>): (values: readonly unknown[]) => CompiledQuery<R> {
  let compiled: CompiledQuery<R> | undefined;
  return (values) => {
    compiled ??= build().compile();
    if (values.length !== compiled.parameters.length) throw new RangeError(`this query takes ${compiled.parameters.length} values, not ${values.length}`);
    return { ...compiled, parameters: values };
  };
}

/** reusableQuery for a statement whose shape depends on a list's length (`in (?, ?, …)`), one per length up to `maxLength`. */
export function reusableQueryByLength<R>(build: (placeholders: number[]) => Compilable<R>, maxLength: number): (values: readonly unknown[]) => CompiledQuery<R> {
  const byLength = new Map<number, (values: readonly unknown[]) => CompiledQuery<R>>();
  return (values) => {
    if (values.length > maxLength) return { ...build(values.map(() => 0)).compile(), parameters: values };
    let query = byLength.get(values.length);
    if (!query) {
      query = reusableQuery(() => build(values.map(() => 0)));
      byLength.set(values.length, query);
    }
    return query(values);
  };
}
