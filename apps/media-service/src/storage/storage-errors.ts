/**
 * What went wrong with S3, in the only terms the worker acts on:
 * - `StorageUnavailableError`: the store cannot be used right now (outage, throttling, a
 *   misconfigured bucket or credentials). Not the upload's fault: the worker waits, never fails it.
 * - `StoredObjectMismatchError`: S3 answered 200 but the object it holds is not what was sent.
 *   Retried like any error; a repeated mismatch fails the job with that reason.
 * - anything else from S3 is about this object (too large, a bad argument, a digest S3 refused).
 */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
}

export class StoredObjectMismatchError extends Error {
  override readonly name = 'StoredObjectMismatchError';
}

const unavailableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// Throttling and the SDK's own timeouts and aborts (our deadline fired).
const unavailableErrorNames = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalError',
]);

// The bucket or the credentials are wrong: every upload would fail the same way until someone
// fixes the configuration, so failing uploads one by one would only lose them.
const unusableStoreErrorNames = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AccountProblem',
  'AllAccessDisabled',
]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function describesUnavailability(error: SdkErrorShape): boolean {
  const name = typeof error.name === 'string' ? error.name : '';
  const code = typeof error.code === 'string' ? error.code : '';
  const status = typeof error.$metadata?.httpStatusCode === 'number' ? error.$metadata.httpStatusCode : undefined;
  return (
    unavailableNetworkCodes.has(code) ||
    code.startsWith('UND_ERR_') ||
    unavailableErrorNames.has(name) ||
    unusableStoreErrorNames.has(name) ||
    (status !== undefined && (status >= 500 || status === 429 || status === 403)) ||
    error.$retryable !== undefined
  );
}

/** True when `error` (or an error it wraps) says the store is unusable rather than this object bad. */
export function isStorageUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof StorageUnavailableError) return true;
    if (describesUnavailability(current as SdkErrorShape)) return true;
    current = (current as SdkErrorShape).cause;
  }
  return false;
}

/** Rethrows S3 failures in the worker's terms: unavailability becomes `StorageUnavailableError`. */
export function classifyStorageError(error: unknown, operation: string): Error {
  if (error instanceof StorageUnavailableError || error instanceof StoredObjectMismatchError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (isStorageUnavailable(error)) return new StorageUnavailableError(`${operation}: ${message}`, { cause: error });
  return error instanceof Error ? error : new Error(`${operation}: ${message}`);
}
