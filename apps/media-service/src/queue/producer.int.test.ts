import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, readEnv, redisEnv } from '@chucar/platform';
import { createMediaQueue, enqueueStore } from './producer.ts';

describe('store producer (real Redis)', () => {
  const redis = createRedis(readEnv(redisEnv), 'producer', { warn: () => {}, info: () => {} });
  // The queue connects the lazy client itself.
  const queue = createMediaQueue(redis, `test-${randomUUID()}`);
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  });

  it('enqueues one store job per media however many times it is asked', async () => {
    const mediaId = randomUUID();
    await Promise.all([enqueueStore(queue, mediaId, 'req-1'), enqueueStore(queue, mediaId, 'req-2')]);
    await enqueueStore(queue, mediaId);
    const jobs = await queue.getJobs(['waiting']);
    expect(jobs.map((job) => ({ id: job.id, name: job.name, mediaId: 'mediaId' in job.data ? job.data.mediaId : undefined }))).toEqual([{ id: `store-${mediaId}`, name: 'store', mediaId }]);
  });
});
