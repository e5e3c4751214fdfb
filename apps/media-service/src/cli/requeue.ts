/**
 * The operator's way back for failed work (`npm run media:requeue`): the row is put back where its
 * job starts, through the domain's rule, and the job is queued under its usual id. A failed or
 * finished BullMQ job still holding that id is removed first, or the add would be silently ignored;
 * a job still waiting or running is left alone (the work is already queued).
 */
import { requeueDecision, type MediaOperationsRepository, type MediaRepository, type RequeueJob } from '@chucar/domain';
import { jobIdFor, withRedisTimeout, type MediaQueue } from '../queue/index.ts';

export interface RequeueDeps {
  media: Pick<MediaRepository, 'findById'>;
  operations: MediaOperationsRepository;
  queue: MediaQueue;
  now(): Date;
  timeoutMs: number;
}

export type RequeueOutcome =
  | { mediaId: string; outcome: 'requeued'; job: RequeueJob; previousReason: string | null; removedStaleJob: boolean }
  | { mediaId: string; outcome: 'skipped'; reason: string };

/** Preview jobs carry the worker's priority, so originals still go first. */
const previewPriority = 10;

export async function requeueMedia(deps: RequeueDeps, mediaId: string): Promise<RequeueOutcome> {
  const media = await deps.media.findById(mediaId);
  if (!media) return { mediaId, outcome: 'skipped', reason: 'no such media' };
  const decision = requeueDecision(media);
  if (decision.job === null) return { mediaId, outcome: 'skipped', reason: decision.reason };
  const job = decision.job;
  const jobId = jobIdFor(job, mediaId);

  const existing = await withRedisTimeout(deps.queue.getJob(jobId), deps.timeoutMs, `reading job ${jobId}`);
  let removedStaleJob = false;
  if (existing) {
    const state = await withRedisTimeout(existing.getState(), deps.timeoutMs, `reading the state of job ${jobId}`);
    if (state === 'failed' || state === 'completed') {
      await withRedisTimeout(existing.remove(), deps.timeoutMs, `removing job ${jobId}`);
      removedStaleJob = true;
    }
  }
  // Row first: a job that ran before the reset would find the row failed and do nothing.
  if (!(await deps.operations.resetForRequeue(mediaId, job, deps.now()))) return { mediaId, outcome: 'skipped', reason: 'the row changed meanwhile; nothing was reset' };
  await withRedisTimeout(deps.queue.add(job, { mediaId }, { jobId, ...(job === 'variants' ? { priority: previewPriority } : {}) }), deps.timeoutMs, `adding job ${jobId}`);
  return { mediaId, outcome: 'requeued', job, previousReason: media.failureReason, removedStaleJob };
}

export async function requeueAllFailed(deps: RequeueDeps, batchSize = 500): Promise<RequeueOutcome[]> {
  const outcomes: RequeueOutcome[] = [];
  // Each requeued row leaves the failed set, so the first page is read again until it is empty;
  // a row skipped twice would loop, hence the guard.
  const seen = new Set<string>();
  for (;;) {
    const ids = (await deps.operations.listFailedIds(batchSize)).filter((id) => !seen.has(id));
    if (ids.length === 0) return outcomes;
    for (const id of ids) {
      seen.add(id);
      outcomes.push(await requeueMedia(deps, id));
    }
  }
}
