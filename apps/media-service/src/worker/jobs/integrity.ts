/**
 * `scrub` (head, full or catch-up) and `purge`: scheduled jobs (job schedulers) that run the
 * integrity work the worker was given. Their outcome labels a metric, so it is a fixed word; what
 * they found is in their log lines and metrics.
 */
import type { JobContext, JobOutcome, MediaJobOf } from './job-context.ts';

export async function scrub(job: MediaJobOf<'scrub'>, context: JobContext): Promise<JobOutcome> {
  const work = context.integrityWork;
  if (!work) return 'not-configured';
  if (job.data.pass === 'catch-up') {
    const report = await work.catchUp();
    return report.stores.some((store) => store.status === 'unavailable' || store.failed > 0) ? 'incomplete' : 'caught-up';
  }
  const report = await work.check(job.data.pass);
  if (report.stores.some((store) => store.status === 'unavailable')) return 'incomplete';
  return report.incidents.every((incident) => incident.outcome === 'repaired') ? 'checked' : 'problems-left';
}

export async function purgeDeleted(_job: MediaJobOf<'purge'>, context: JobContext): Promise<JobOutcome> {
  const work = context.integrityWork;
  if (!work) return 'not-configured';
  const report = await work.purge();
  return report.status === 'done' && report.failedDeletes === 0 ? 'purged' : 'incomplete';
}
