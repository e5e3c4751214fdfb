/**
 * mysql2 writes a query's values into the SQL text on the client (sql-escaper). Most become quoted
 * literals, but some become SQL instead: NaN and ±Infinity the bare words `NaN` and `Infinity`
 * (which MariaDB reads as column names), an invalid Date the word NULL (a filter that silently
 * matches nothing), an object or Map a list of `column` = value assignments, and anything with a
 * `toSqlString()` its raw text. The app never means any of these, so they are refused before sending.
 */
export class UnsafeQueryValueError extends Error {
  readonly code = 'ERR_UNSAFE_QUERY_VALUE';
}

/** Why mysql2 would not write `value` as a plain literal, or null when it would. */
function unsafeBecause(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : `the number ${value}, which would be sent as the bare word ${value}`;
  if (value === null || typeof value !== 'object') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date, which would be sent as NULL' : null;
  if (value instanceof Uint8Array) return null;
  if (Array.isArray(value) || value instanceof Set) {
    for (const item of value) {
      const reason = unsafeBecause(item);
      if (reason) return `a list holding ${reason}`;
    }
    return null;
  }
  if ('toSqlString' in value && typeof value.toSqlString === 'function') return 'an object with toSqlString(), whose text would be sent as raw SQL';
  return 'an object, which would be expanded into `column` = value assignments';
}

/** Throws UnsafeQueryValueError if any of `values` would reach the SQL text as anything but a literal. */
export function refuseUnsafeQueryValues(sql: string, values: unknown): void {
  if (values === undefined || values === null) return;
  // Like mysql2, a lone value stands for a list of one.
  const list: unknown[] = Array.isArray(values) ? values : [values];
  for (const [index, value] of list.entries()) {
    const reason = unsafeBecause(value);
    if (reason) throw new UnsafeQueryValueError(`refused to send a query whose value #${index + 1} is ${reason}: ${sql.slice(0, 200)}`);
  }
}
