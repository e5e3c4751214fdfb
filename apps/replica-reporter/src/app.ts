import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database as Schema } from '@chucar/domain';
import { createDatabase, createHttpService } from '@chucar/platform';
import type { ReporterConfig } from './config.ts';

/**
 * The reporter's HTTP side, built from the platform's service kit. Reports arrive with the
 * reporter issue; for now it proves at every readiness check that its only database is a
 * read-only replica, and reads it through Kysely with the domain's schema types.
 */
export async function buildApp(config: ReporterConfig, options: { logger?: false } = {}): Promise<FastifyInstance> {
  const app = await createHttpService({ service: 'replica-reporter', logging: config, ...(options.logger === false ? { logger: false } : {}) });
  const replica = createDatabase<Schema>({
    host: config.REPORTER_DB_HOST,
    port: config.REPORTER_DB_PORT,
    user: config.REPORTER_DB_USER,
    password: config.REPORTER_DB_PASSWORD,
    database: config.REPORTER_DB_NAME,
    poolSize: 4,
    connectTimeoutMs: 2000,
    // Reports scan whole tables: their queries get the reporter's own, longer limit.
    queryTimeoutMs: config.REPORTER_DB_TIMEOUT_MS,
  });

  // Reading from a writable server would mean pointing at the primary: refuse to serve.
  app.addHealthCheck({
    name: 'replica',
    critical: true,
    probe: async () => {
      const { rows } = await sql<{ readOnly: number }>`SELECT @@read_only AS readOnly`.execute(replica.db);
      if (Number(rows[0]?.readOnly) !== 1) throw new Error('NOT read-only: this is a writable server, refusing to report from it');
      return { status: 'up', detail: 'read_only' };
    },
  });
  app.addHook('onClose', async () => {
    await replica.close();
  });
  return app;
}
