import { describe, expect, it } from 'vitest';
import { classifyStorageError, isStorageUnavailable, StorageUnavailableError, StoredObjectMismatchError } from './storage-errors.ts';

const sdkError = (name: string, httpStatusCode?: number, extra: object = {}) => Object.assign(new Error(name), { name, ...(httpStatusCode ? { $metadata: { httpStatusCode } } : {}), ...extra });

describe('storage error classification', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a reset connection wrapped by the SDK', new Error('socket hang up', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })],
    ['the SDK request timeout', sdkError('TimeoutError')],
    ['our deadline aborting the request', sdkError('AbortError')],
    ['a 503 Slow Down', sdkError('SlowDown', 503)],
    ['any 5xx', sdkError('UnknownError', 502)],
    ['throttling', sdkError('ThrottlingException', 400)],
    ['a missing bucket', sdkError('NoSuchBucket', 404)],
    ['wrong credentials', sdkError('InvalidAccessKeyId', 403)],
    ['an error the SDK marks retryable', sdkError('Whatever', 400, { $retryable: { throttling: false } })],
  ])('%s means the store is unavailable', (_label, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
    expect(classifyStorageError(error, 'PUT k')).toBeInstanceOf(StorageUnavailableError);
    expect(classifyStorageError(error, 'PUT k').message).toMatch(/^PUT k: /);
  });

  it.each([
    ['an object too large', sdkError('EntityTooLarge', 400)],
    ['a digest S3 refused', sdkError('BadDigest', 400)],
    ['a plain programming error', new TypeError('x is undefined')],
  ])('%s is about the object, not the store', (_label, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
    expect(classifyStorageError(error, 'PUT k')).toBe(error);
  });

  it('keeps a verification mismatch as it is', () => {
    const mismatch = new StoredObjectMismatchError('k: size 1 instead of 2');
    expect(classifyStorageError(mismatch, 'PUT k')).toBe(mismatch);
  });
});
