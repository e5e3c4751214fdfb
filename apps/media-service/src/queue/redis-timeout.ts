/**
 * Rejects when Redis has not answered within `timeoutMs`, so a dead connection never blocks the
 * caller (ioredis queues commands while it reconnects). `what` names the call in the error.
 */
export function withRedisTimeout<T>(work: Promise<T>, timeoutMs: number, what?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = `no answer from Redis within ${timeoutMs} ms`;
    timer = setTimeout(() => reject(new Error(what ? `${what}: ${message}` : message)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
