import fp from 'fastify-plugin';
import { createMediaService, createRepositories, readsFrom, systemClock, type Clock, type Database as Schema, type MediaService } from '@chucar/domain';
import { createDatabase, createUnitOfWork, primaryDatabaseSettings, registerPoolMetrics, type Database, type PrimaryDatabaseEnv } from '@chucar/platform';

declare module 'fastify' {
  interface FastifyInstance {
    primary: Database<Schema>;
    /** The media context's service; reads and writes go to the primary (no replica here: intake writes, views are rare). */
    media: MediaService;
  }
}

export interface DatabasePluginOptions {
  config: PrimaryDatabaseEnv;
  clock?: Clock;
}

/** The primary, the media domain service on it, and a critical readiness check: without it nothing can be accepted. */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, clock = systemClock }) => {
    const primary = createDatabase<Schema>(primaryDatabaseSettings(config));
    registerPoolMetrics(app.metricsRegistry, { primary });
    const unitOfWork = createUnitOfWork(primary);
    const media = createMediaService({
      reads: readsFrom(createRepositories(primary.db)),
      writes: { transaction: async (work) => (await unitOfWork.run((trx) => work(createRepositories(trx)))).result },
      clock,
    });
    app.decorate('primary', primary);
    app.decorate('media', media);
    app.addHealthCheck({ name: 'primary', critical: true, probe: async () => void (await primary.runSql('SELECT 1')) });
    app.addHook('onClose', async () => {
      await primary.close();
    });
  },
  { name: 'database', dependencies: ['health', 'metrics'] },
);
