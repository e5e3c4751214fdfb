import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { MEDIA_QUEUE_NAME, type MediaJob, type MediaJobDataOf, type MediaJobName, type PerMediaJobName } from '@chucar/contracts';
import { MEDIA_JOB_OPTIONS, jobIdFor } from './media-jobs.ts';
import { withRedisTimeout } from './redis-timeout.ts';

export type MediaQueue = Queue<MediaJob['data'], unknown, MediaJobName>;

/**
 * The media queue on a connection the caller owns (closing the queue leaves the connection open).
 * `prefix` (MEDIA_QUEUE_PREFIX) keeps environments or test runs that share one Redis apart; the
 * worker must use the same one.
 */
export function createMediaQueue(connection: Redis, prefix: string): MediaQueue {
  return new Queue<MediaJob['data'], unknown, MediaJobName>(MEDIA_QUEUE_NAME, { connection, prefix, defaultJobOptions: MEDIA_JOB_OPTIONS });
}

/** Adds a per-media job under its derived id, so a second add of the same work is a no-op. */
export async function addMediaJob<N extends PerMediaJobName>(queue: MediaQueue, name: N, data: MediaJobDataOf<N>, timeoutMs = 2000): Promise<void> {
  await withRedisTimeout(queue.add(name, data, { jobId: jobIdFor(name, data.mediaId) }), timeoutMs, `adding ${name} for ${data.mediaId}`);
}

/** The API's one job: store an accepted upload. Throws when Redis cannot take it (the reconciler will). */
export function enqueueStore(queue: MediaQueue, mediaId: string, requestId?: string, timeoutMs = 2000): Promise<void> {
  return addMediaJob(queue, 'store', requestId === undefined ? { mediaId } : { mediaId, requestId }, timeoutMs);
}

// BullMQ waits for a connection that is not ready yet instead of failing; an upload must not wait on it.
