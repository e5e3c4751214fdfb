import { Counter, Gauge, type Registry } from 'prom-client';
import type { IntegrityMetrics } from './integrity-types.ts';

/**
 * The integrity work's metrics: objects actually checked per store and pass (a pass that skipped a
 * store shows no increase for it), incidents by kind and store, how they ended, copies the
 * catch-up made, purges, and when each pass last finished (alert when it stops moving).
 */
export function registerIntegrityMetrics(registry: Registry): IntegrityMetrics {
  const checked = new Counter({ name: 'media_scrub_checked_total', help: 'Objects the scrubber checked and got an answer for, by store and pass (head, full)', labelNames: ['store', 'pass'] as const, registers: [registry] });
  const incidents = new Counter({ name: 'media_scrub_incidents_total', help: 'Objects found missing, changed or of the wrong size, by kind and store', labelNames: ['kind', 'store'] as const, registers: [registry] });
  const resolutions = new Counter({ name: 'media_scrub_resolutions_total', help: 'How incidents ended: repaired (by source: spool, primary, mirror, regenerated) or unrepairable (media lost)', labelNames: ['outcome', 'source'] as const, registers: [registry] });
  const caughtUp = new Counter({ name: 'media_catchup_copies_total', help: 'Objects the catch-up found or copied into a store that had no recorded copy (the mirror after an outage)', labelNames: ['store'] as const, registers: [registry] });
  const purgedMedia = new Counter({ name: 'media_purged_total', help: 'Deleted media whose objects were removed from every store after the retention window', registers: [registry] });
  const purgedObjects = new Counter({ name: 'media_purged_objects_total', help: 'Objects deleted by the purge (each store counted)', registers: [registry] });
  const lastPass = new Gauge({ name: 'media_scrub_last_finished_seconds', help: 'Unix time the last head, full, catch-up or purge run finished', labelNames: ['pass'] as const, registers: [registry] });
  const lastChecked = new Gauge({ name: 'media_scrub_last_pass_checked', help: 'Objects the last head or full pass checked (all stores)', labelNames: ['pass'] as const, registers: [registry] });
  const lastDuration = new Gauge({ name: 'media_scrub_last_pass_seconds', help: 'How long the last head or full pass took', labelNames: ['pass'] as const, registers: [registry] });
  const lastBytes = new Gauge({ name: 'media_scrub_last_pass_bytes', help: 'Bytes the last full pass re-read', labelNames: ['pass'] as const, registers: [registry] });
  return {
    checked: (store, pass, count) => checked.inc({ store, pass }, count),
    incident: (kind, store) => incidents.inc({ kind, store }),
    resolved: (outcome, source) => resolutions.inc({ outcome, source }),
    caughtUp: (store, count) => caughtUp.inc({ store }, count),
    purged: (media, objects) => {
      purgedMedia.inc(media);
      purgedObjects.inc(objects);
    },
    passFinished: (pass, at, summary) => {
      lastPass.set({ pass }, at.getTime() / 1000);
      if (!summary) return;
      lastChecked.set({ pass }, summary.checked);
      lastDuration.set({ pass }, summary.durationMs / 1000);
      lastBytes.set({ pass }, summary.bytesRead);
    },
  };
}
