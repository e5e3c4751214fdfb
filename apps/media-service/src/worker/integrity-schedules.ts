/**
 * The integrity work's job schedulers (BullMQ upsertJobScheduler; the worker puts them back on
 * every interval, since a Redis that lost everything lost them too). Their jobs carry a priority
 * below previews, so uploads' work always goes first.
 */
import type { MediaJobName, ScrubJobPass } from '@chucar/contracts';
import type { MediaConfig } from '../config.ts';
import type { MediaQueue } from '../queue/index.ts';

const integrityPriority = 20;
const jobOptions = { removeOnComplete: true, removeOnFail: true, priority: integrityPriority, attempts: 1 };

export async function ensureIntegritySchedulers(queue: MediaQueue, config: MediaConfig): Promise<void> {
  const scrubEvery: [ScrubJobPass, number][] = [
    ['head', config.MEDIA_SCRUB_HEAD_INTERVAL_MS],
    ['full', config.MEDIA_SCRUB_FULL_INTERVAL_MS],
    ['catch-up', config.MEDIA_MIRROR_CATCHUP_INTERVAL_MS],
  ];
  for (const [pass, every] of scrubEvery) {
    // BullMQ types a scheduler's id as the queue's job-name type; any string is a valid id.
    const id = `scrub-${pass}` as MediaJobName;
    if (every > 0) await queue.upsertJobScheduler(id, { every }, { name: 'scrub', data: { pass }, opts: jobOptions });
    else await queue.removeJobScheduler(id);
  }
  await queue.upsertJobScheduler('purge', { every: config.MEDIA_PURGE_INTERVAL_MS }, { name: 'purge', data: {}, opts: jobOptions });
}
