import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { checkedJobData } from './processors.ts';

const mediaId = '0b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';
const received = (name: 'store' | 'scrub', data: object) => ({ id: `${name}-1`, name, data, attemptsMade: 0, opts: { attempts: 5 } });

describe('job data read back from Redis', () => {
  it('passes on what the producer wrote', () => {
    expect(checkedJobData(received('store', { mediaId, requestId: 'req-1' }), 'store')).toEqual({ mediaId, requestId: 'req-1' });
    expect(checkedJobData(received('scrub', { pass: 'full' }), 'scrub')).toEqual({ pass: 'full' });
  });

  it('fails a malformed job for good, naming the field, so it is not retried', () => {
    const malformed = [
      [received('store', { mediaId: 'originals/../x' }), 'store', /^job store-1: \/mediaId /],
      [received('store', {}), 'store', /^job store-1: .*mediaId/],
      [received('scrub', { pass: 'deep' }), 'scrub', /^job scrub-1: \/pass /],
    ] as const;
    for (const [job, name, message] of malformed) {
      expect(() => checkedJobData(job, name)).toThrow(UnrecoverableError);
      expect(() => checkedJobData(job, name)).toThrow(message);
    }
  });
});
