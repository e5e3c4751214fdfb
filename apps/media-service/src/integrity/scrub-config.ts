/** Settings of the scrubber, the mirror's catch-up and the purge of deleted media. */
import { env } from '@chucar/platform';

export const integrityEnv = {
  MEDIA_SCRUB_HEAD_INTERVAL_MS: env.int({ description: 'How often the HEAD pass checks the newest window (existence, size, SHA-256 metadata) in every store; 0: never scheduled', default: 5 * 60_000, min: 0 }),
  MEDIA_SCRUB_WINDOW_HOURS: env.number({ description: 'The HEAD pass checks objects stored within this many hours, newest first', default: 72, min: 0.01 }),
  MEDIA_SCRUB_HEAD_MAX_OBJECTS: env.int({ description: 'Objects one HEAD pass checks at most, per store', default: 20_000, min: 1 }),
  MEDIA_SCRUB_HEAD_CONCURRENCY: env.int({ description: 'HEAD requests in flight during a pass', default: 8, min: 1, max: 64 }),
  MEDIA_SCRUB_FULL_INTERVAL_MS: env.int({ description: 'How often the rolling full pass runs (re-reads the objects re-hashed longest ago); 0: never scheduled', default: 15 * 60_000, min: 0 }),
  MEDIA_SCRUB_FULL_BYTES_PER_S: env.int({ description: 'Re-read rate limit of the full pass, in bytes per second over all stores (keeps it from starving uploads)', default: 8 * 1024 * 1024, min: 1024 }),
  MEDIA_SCRUB_FULL_RUN_S: env.int({ description: 'Longest a scheduled full pass runs before leaving the rest to the next one, in seconds', default: 120, min: 1 }),
  MEDIA_MIRROR_CATCHUP_INTERVAL_MS: env.int({ description: 'How often objects with no recorded copy in a store (the mirror after an outage) are copied there', default: 60_000, min: 1000 }),
  MEDIA_PURGE_RETENTION_DAYS: env.number({ description: 'Days a deleted media keeps its objects (the owner may upload it again) before they are removed from every store', default: 7, min: 0 }),
  MEDIA_PURGE_INTERVAL_MS: env.int({ description: 'How often deleted media past the retention window are purged', default: 60 * 60_000, min: 1000 }),
};
