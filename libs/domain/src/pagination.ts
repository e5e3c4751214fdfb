import { ValidationError } from './errors.ts';

/**
 * Keyset pagination over (created_at desc, id desc). The cursor names the last row
 * of the previous page, so rows inserted meanwhile never shift or repeat a page.
 */
export type PageRequest = { cursor?: string | null; limit?: number | null };
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Position of the last row already returned; the next page starts strictly after it. */
export type CursorPosition = { createdAt: Date; id: number };
export type PageQuery = { after: CursorPosition | null; limit: number };

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

const CURSOR_VERSION = 1;
/** The latest instant a Date can hold; a forged cursor past it would become an Invalid Date. */
const MAX_DATE_MS = 8.64e15;

export function encodeCursor(position: CursorPosition): string {
  const payload = JSON.stringify([CURSOR_VERSION, position.createdAt.getTime(), position.id]);
  return Buffer.from(payload, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  const invalid = ValidationError.single('cursor', 'is not a valid cursor');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid;
  const [version, createdAtMs, id] = parsed as unknown[];
  if (version !== CURSOR_VERSION || !isNonNegativeSafeInteger(createdAtMs) || createdAtMs > MAX_DATE_MS || !isPositiveSafeInteger(id)) {
    throw invalid;
  }
  return { createdAt: new Date(createdAtMs), id };
}

/** Validates the limit and decodes the cursor of a page request. */
export function toPageQuery(page: PageRequest | undefined): PageQuery {
  const limit = page?.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw ValidationError.single('limit', `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  const after = page?.cursor ? decodeCursor(page.cursor) : null;
  return { after, limit };
}

/**
 * Repositories fetch `limit + 1` rows; the extra row only proves there is a next page.
 * `map` turns storage records into the views callers see.
 */
export function toPage<R extends CursorPosition, T>(rows: R[], query: PageQuery, map: (row: R) => T): Page<T> {
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  const hasMore = rows.length > query.limit;
  return {
    items: pageRows.map(map),
    nextCursor: hasMore && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The ordering the cursor assumes, for in-memory implementations. */
export function compareNewestFirst(a: CursorPosition, b: CursorPosition): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id;
}

export function isAfterCursor(row: CursorPosition, after: CursorPosition | null): boolean {
  if (!after) return true;
  const rowMs = row.createdAt.getTime();
  const afterMs = after.createdAt.getTime();
  return rowMs < afterMs || (rowMs === afterMs && row.id < after.id);
}

function isNonNegativeSafeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPositiveSafeInteger(value: unknown): value is number {
  return isNonNegativeSafeInteger(value) && value > 0;
}
