import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { decodeCursor, encodeCursor, toPage, toPageQuery } from './pagination.ts';

describe('cursors', () => {
  it('round-trip a position and look opaque', () => {
    const position = { createdAt: new Date('2026-12-01T09:30:00.123Z'), id: 42 };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('accept the latest instant a Date holds', () => {
    const latest = { createdAt: new Date(8.64e15), id: 1 };
    expect(decodeCursor(encodeCursor(latest))).toEqual(latest);
  });

  it.each([
    ['not base64url', '***'],
    ['not json', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['wrong version', Buffer.from(JSON.stringify([2, 0, 1])).toString('base64url')],
    ['non-integer id', Buffer.from(JSON.stringify([1, 0, 1.5])).toString('base64url')],
    ['negative time', Buffer.from(JSON.stringify([1, -5, 1])).toString('base64url')],
    ['time past what a Date holds', Buffer.from(JSON.stringify([1, 8.64e15 + 1, 1])).toString('base64url')],
  ])('reject %s as a ValidationError on `cursor`', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
    try {
      decodeCursor(cursor);
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    }
  });
});

describe('page requests', () => {
  it('default to 20 and accept 1..100', () => {
    expect(toPageQuery(undefined)).toEqual({ after: null, limit: 20 });
    expect(toPageQuery({ limit: 1 }).limit).toBe(1);
    expect(toPageQuery({ limit: 100 }).limit).toBe(100);
    expect(() => toPageQuery({ limit: 101 })).toThrow(ValidationError);
    expect(() => toPageQuery({ limit: 2.5 })).toThrow(ValidationError);
  });

  it('emit a next cursor only when an extra row proves there is more', () => {
    const rows = [3, 2, 1].map((id) => ({ id, createdAt: new Date(id * 1000) }));
    const full = toPage(rows, { after: null, limit: 2 }, (row) => row.id);
    expect(full.items).toEqual([3, 2]);
    expect(full.nextCursor && decodeCursor(full.nextCursor)).toEqual({ id: 2, createdAt: new Date(2000) });
    expect(toPage(rows.slice(0, 2), { after: null, limit: 2 }, (row) => row.id).nextCursor).toBeNull();
  });
});
