import { describe, expect, it } from 'vitest';
import { StorageUnavailableError, StoredObjectMismatchError } from '../storage/storage-errors.ts';
import { giveUpReason, isInfrastructureError } from './give-up.ts';

describe('giving up on a store job', () => {
  it('waits for the last attempt', () => {
    expect(giveUpReason(new StoredObjectMismatchError('originals/x: size 1 instead of 2'), 4, 5)).toBeNull();
    expect(giveUpReason(new StoredObjectMismatchError('originals/x: size 1 instead of 2'), 5, 5)).toBe('gave up after 5 attempts: StoredObjectMismatchError: originals/x: size 1 instead of 2');
    expect(giveUpReason(new TypeError('x is undefined'), 5, 5)).toBe('gave up after 5 attempts: TypeError: x is undefined');
  });

  it('never gives up on an outage of S3, the database or Redis', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3307'), { code: 'ECONNREFUSED' });
    const deadlock = Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK', sqlState: '40001' });
    const wrapped = new Error('query failed', { cause: refused });
    for (const error of [new StorageUnavailableError('S3 down'), refused, deadlock, wrapped, new Error('no answer from Redis within 2000 ms')]) {
      expect(isInfrastructureError(error) || error instanceof StorageUnavailableError, error.message).toBe(true);
    }
    expect(giveUpReason(deadlock, 5, 5)).toBeNull();
    expect(giveUpReason(wrapped, 5, 5)).toBeNull();
  });
});
