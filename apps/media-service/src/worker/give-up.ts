/**
 * When a `store` job has spent its last attempt, the row must say so rather than wait in
 * `spooled` for the reconciler to start the same futile round again every interval. Outages are
 * not reasons to give up: S3 unavailable never spends attempts, and a database or Redis that does
 * not answer is the infrastructure's news (the row could not be written anyway), so those rows stay
 * spooled and are retried. Anything else that failed every attempt (S3 keeps holding different
 * bytes than were sent, a bug) is recorded with its reason for an operator to requeue.
 */
const infrastructureCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT']);

export function isInfrastructureError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const shape = error as Error & { code?: unknown; sqlState?: unknown; errno?: unknown };
  if (typeof shape.code === 'string' && infrastructureCodes.has(shape.code)) return true;
  // mysql2 errors carry the server's SQL state (deadlocks, timeouts, lost connections): retry.
  if (typeof shape.sqlState === 'string' || (typeof shape.code === 'string' && shape.code.startsWith('ER_'))) return true;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true;
  if (/\bRedis\b|\bdatabase\b|connection/i.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isInfrastructureError(error.cause);
}

/** The reason to record once the last attempt failed, or null while attempts remain or the error is an outage. */
export function giveUpReason(error: unknown, attempt: number, maxAttempts: number): string | null {
  if (attempt < maxAttempts || isInfrastructureError(error)) return null;
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `gave up after ${attempt} attempts: ${what}`;
}
