/** Raised when work gave no answer in time; `what` names the work, so the log says what hung. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';

  readonly what: string;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(`${what}: no answer within ${timeoutMs} ms`);
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Settles like `work`, or rejects with a `TimeoutError` after `timeoutMs`. Given a function, the
 * work receives an AbortSignal that fires at the timeout (or when `options.signal` aborts), so a
 * client that honours signals stops too; a bare promise is only abandoned, never cancelled.
 */
export async function withTimeout<T>(
  work: Promise<T> | ((signal: AbortSignal) => Promise<T>),
  timeoutMs: number,
  what: string,
  options: { signal?: AbortSignal } = {},
): Promise<T> {
  options.signal?.throwIfAborted();
  const controller = new AbortController();
  const timeoutError = new TimeoutError(what, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  let stopFollowingCaller = () => {};
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Reject first: listeners of the signal run at once and the work may reject with its own error.
      reject(timeoutError);
      controller.abort(timeoutError);
    }, timeoutMs);
    const callerSignal = options.signal;
    if (!callerSignal) return;
    const onCallerAbort = () => {
      reject(callerSignal.reason);
      controller.abort(callerSignal.reason);
    };
    callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    stopFollowingCaller = () => callerSignal.removeEventListener('abort', onCallerAbort);
  });
  try {
    const running = typeof work === 'function' ? work(controller.signal) : work;
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
    stopFollowingCaller();
  }
}
