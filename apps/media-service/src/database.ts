import fp from 'fastify-plugin';
import { createMediaService, createRepositories, readsFrom, systemClock, type Clock, type Database as Schema, type MediaService } from '@chucar/domain';
import { createUnitOfWork, openWritableDatabase, registerPoolMetrics, type RoutedDatabase, type WritableDatabaseEnv } from '@chucar/platform';

declare module 'fastify' {
  interface FastifyInstance {
    primary: RoutedDatabase<Schema>;
    /** The media context's service; reads and writes go to the primary (no replica here: intake writes, views are rare). */
    media: MediaService;
  }
}

export interface DatabasePluginOptions {
  config: WritableDatabaseEnv;
  clock?: Clock;
}

/** The database writes go to (the primary, or the cluster's writer), the media domain service on it, and a critical readiness check: without it nothing can be accepted. */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, clock = systemClock }) => {
    const writable = openWritableDatabase<Schema>(config);
    await writable.start();
    const primary = writable.database;
    registerPoolMetrics(app.metricsRegistry, { primary });
    const unitOfWork = createUnitOfWork(primary);
    const media = createMediaService({
      reads: readsFrom(createRepositories(primary.db)),
      writes: { transaction: async (work) => (await unitOfWork.run((trx) => work(createRepositories(trx)))).result },
      clock,
    });
    app.decorate('primary', primary);
    app.decorate('media', media);
    app.addHealthCheck({ name: 'primary', critical: true, probe: () => writable.probe() });
    app.addHook('onClose', async () => {
      await writable.close();
    });
  },
  { name: 'database', dependencies: ['health', 'metrics'] },
);
