import type { Redis } from 'ioredis';
import { createMediaQueue, enqueueStore, type MediaQueue } from '../../queue/index.ts';

export interface StoreEnqueuer {
  /** true when the `store` job is queued; false when Redis could not take it (the row waits for the reconciler). */
  enqueue(mediaId: string, requestId: string): Promise<boolean>;
  close(): Promise<void>;
}

interface WarnLogger {
  warn(details: object, message: string): void;
}

/**
 * Adds `store` jobs on the API's producer connection. The queue is made once Redis is first ready:
 * BullMQ waits for a connection that is not, and an upload must never wait on the queue.
 */
export function createStoreEnqueuer(redis: Redis, prefix: string, log: WarnLogger, timeoutMs: number): StoreEnqueuer {
  let queue: MediaQueue | undefined;
  return {
    async enqueue(mediaId, requestId) {
      try {
        if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
        if (!queue) {
          queue = createMediaQueue(redis, prefix);
          queue.on('error', (error) => log.warn({ err: error }, 'media queue error'));
        }
        await enqueueStore(queue, mediaId, requestId, timeoutMs);
        return true;
      } catch (error) {
        log.warn({ err: error, mediaId }, 'store job not queued; the media row stays spooled and the reconciler will queue it');
        return false;
      }
    },
    async close() {
      await queue?.close();
    },
  };
}
