import { Type } from 'typebox';

/** One of a fixed list of strings (a domain constant), as a JSON schema enum typed as that union. */
export const literals = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/**
 * An instant, ISO 8601 on the wire. Typed as a Date for the side that answers: services return Date
 * objects and the serializer writes them out; the side that reads gets the string.
 */
export const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });
