import type { Migration } from 'kysely';
import { marketplaceMigration } from './2026-11-25-0002-marketplace.ts';
import { mediaMigration } from './2026-11-26-0003-media.ts';
import { mediaIntegrityMigration } from './2026-11-26-0004-media-integrity.ts';
import { idempotencyKeysMigration } from './2026-11-26-0005-idempotency-keys.ts';
import { reportingIndexesMigration } from './2026-11-26-0006-reporting-indexes.ts';
import { mediaFailedPreviewsIndexMigration } from './2026-11-26-0007-media-failed-previews-index.ts';
import { mediaWaitingIndexMigration } from './2026-12-05-0008-media-waiting-index.ts';

/**
 * The domain's migrations (the marketplace, then media), oldest first. Names are stored in the
 * database once applied: never rename or edit one; add a new one whose name sorts after the last.
 * tools/db/migrations.ts joins this list with the other owners' into the one applied order.
 */
export const domainMigrations: readonly { name: string; migration: Migration }[] = [
  { name: '2026-11-25-0002-marketplace', migration: marketplaceMigration },
  { name: '2026-11-26-0003-media', migration: mediaMigration },
  { name: '2026-11-26-0004-media-integrity', migration: mediaIntegrityMigration },
  { name: '2026-11-26-0005-idempotency-keys', migration: idempotencyKeysMigration },
  { name: '2026-11-26-0006-reporting-indexes', migration: reportingIndexesMigration },
  { name: '2026-11-26-0007-media-failed-previews-index', migration: mediaFailedPreviewsIndexMigration },
  { name: '2026-12-05-0008-media-waiting-index', migration: mediaWaitingIndexMigration },
];
