import { useCallback, useState } from 'react';
import { ApiProblem } from './problem.ts';

/** A random UUID (v4). crypto.randomUUID exists only in secure contexts; getRandomValues everywhere. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Whether a retry must reuse the key: the write may have been applied without its answer reaching
 * us (no answer, a 5xx), or it is still running (409 idempotency_key_in_flight). Any other answer
 * is final and stored with the key, so the next attempt is a new write with a new key.
 */
export function keepKeyAfter(error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return false;
  return error.status === 0 || error.status >= 500 || error.code === 'idempotency_key_in_flight';
}

/**
 * One Idempotency-Key per logical write (a form's submission): kept while an attempt may still have
 * been applied, so pressing the button again after a timeout or a 503 cannot apply the write twice
 * (the gateway replays the first answer); renewed once an answer is final.
 */
export function useIdempotencyKey(): { key: string; settle(error?: unknown): void } {
  const [key, setKey] = useState(newIdempotencyKey);
  const settle = useCallback((error?: unknown) => {
    if (!keepKeyAfter(error)) setKey(newIdempotencyKey());
  }, []);
  return { key, settle };
}
