import Fastify, { LogController, type FastifyInstance } from 'fastify';
import mysql from 'mysql2/promise';
import { closeKeepAliveWhileClosing, loggerOptions } from '@chucar/platform';
import type { ReporterConfig } from './config.ts';

/**
 * The reporter's HTTP side. Reports arrive with the reporter issue; for now it proves at every
 * readiness check that its only database is a read-only replica.
 */
export async function buildApp(config: ReporterConfig, options: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? loggerOptions(config, 'replica-reporter'), logController: new LogController({ requestIdLogLabel: 'requestId' }), requestIdHeader: 'x-request-id' });
  const replica = mysql.createPool({
    host: config.REPORTER_DB_HOST,
    port: config.REPORTER_DB_PORT,
    user: config.REPORTER_DB_USER,
    password: config.REPORTER_DB_PASSWORD,
    database: config.REPORTER_DB_NAME,
    connectionLimit: 4,
    connectTimeout: 2000,
  });

  closeKeepAliveWhileClosing(app);
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    try {
      const [rows] = await replica.query({ sql: 'SELECT @@read_only AS readOnly', timeout: 2000 });
      const readOnly = Number((rows as { readOnly: number }[])[0]?.readOnly) === 1;
      // Reading from a writable server would mean pointing at the primary: refuse to serve.
      return reply.code(readOnly ? 200 : 503).send({ status: readOnly ? 'ready' : 'not_ready', checks: { replica: readOnly ? 'up, read_only' : 'NOT read-only: refusing to report from it' } });
    } catch (error) {
      return reply.code(503).send({ status: 'not_ready', checks: { replica: `down: ${(error as Error).message}` } });
    }
  });
  app.addHook('onClose', async () => {
    await replica.end();
  });
  return app;
}
