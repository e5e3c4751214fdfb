/**
 * Builds the integrity work's dependencies from the media config, for the worker and the CLI alike:
 * the copies ledger on the primary, the stores, the spool, and how to queue previews again.
 */
import { createKyselyMediaIntegrityRepository, type Database as Schema } from '@chucar/domain';
import { createUnitOfWork, type Logger, type RoutedDatabase } from '@chucar/platform';
import type { MediaConfig } from '../config.ts';
import type { MediaStores } from '../storage/media-stores.ts';
import type { IntegrityDeps, IntegrityMetrics, IntegrityRows, IntegritySettings } from './integrity-types.ts';

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

export function integritySettings(config: MediaConfig, overrides: Partial<IntegritySettings> = {}): IntegritySettings {
  return {
    windowMs: config.MEDIA_SCRUB_WINDOW_HOURS * hourMs,
    headMaxObjects: config.MEDIA_SCRUB_HEAD_MAX_OBJECTS,
    headConcurrency: config.MEDIA_SCRUB_HEAD_CONCURRENCY,
    fullBytesPerSecond: config.MEDIA_SCRUB_FULL_BYTES_PER_S,
    fullRunMs: config.MEDIA_SCRUB_FULL_RUN_S * 1000,
    catchUpBatch: 500,
    purgeRetentionMs: config.MEDIA_PURGE_RETENTION_DAYS * dayMs,
    purgeBatch: 200,
    ...overrides,
  };
}

export function integrityRows(primary: RoutedDatabase<Schema>): IntegrityRows {
  const unitOfWork = createUnitOfWork(primary);
  return {
    read: createKyselyMediaIntegrityRepository(primary.db),
    write: async (work) => (await unitOfWork.run((trx) => work(createKyselyMediaIntegrityRepository(trx)))).result,
  };
}

export interface IntegrityDepsInput {
  config: MediaConfig;
  primary: RoutedDatabase<Schema>;
  stores: MediaStores;
  spool: { objectPath(mediaId: string): string };
  enqueueVariants(mediaId: string): Promise<void>;
  log: Logger;
  metrics: IntegrityMetrics;
  now?: () => Date;
  settings?: Partial<IntegritySettings>;
}

export function integrityDeps(input: IntegrityDepsInput): IntegrityDeps {
  return {
    stores: { primary: input.stores.primary.objects, mirror: input.stores.mirror?.objects ?? null },
    integrity: integrityRows(input.primary),
    spool: input.spool,
    enqueueVariants: input.enqueueVariants,
    now: input.now ?? (() => new Date()),
    log: input.log,
    metrics: input.metrics,
    settings: integritySettings(input.config, input.settings),
  };
}
