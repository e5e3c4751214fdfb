import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createHttpService } from '@chucar/platform';
import type { ReporterConfig } from './config.ts';
import { replicaHealthCheck } from './guard/replica-health.ts';
import { reportRoutes } from './http/report-routes.ts';
import { openReplica, runnerSettings } from './reporter-database.ts';
import { ReportRunner } from './reports/report-runner.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The reporter's runner: main.ts checks the replica with it before listening. */
    reportRunner: ReportRunner;
  }
}

/**
 * The reporter's HTTP side, built from the platform's service kit: `GET /reports` and
 * `GET /reports/:name` for analysts and admins, computed on the read-only replica, which every
 * readiness check and every run proves it is connected to.
 */
export async function buildApp(config: ReporterConfig, options: { logger?: false } = {}): Promise<FastifyInstance> {
  const app = await createHttpService({
    service: 'replica-reporter',
    logging: config,
    ...(options.logger === false ? { logger: false } : {}),
    docs: {
      document: {
        info: { title: 'Chucar replica reporter', version: '1.0.0', description: 'Statistics for analysts, read from the read-only replica only. Errors are RFC 9457 problem+json.' },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      },
    },
  });
  const replica = openReplica(config);
  const runner = new ReportRunner(replica, runnerSettings(config), app.log as Logger);

  // Not ready unless the database is a replica this account can only read; a lagging one is degraded.
  app.addHealthCheck(replicaHealthCheck(replica.runSql, { critical: !config.REPORTER_ALLOW_NON_REPLICA, lagWarnS: config.REPORTER_LAG_WARN_S }));
  await app.register(reportRoutes, { runner, jwtSecret: config.REPORTER_JWT_SECRET, serviceSecret: config.REPORTER_SERVICE_SECRET });
  app.decorate('reportRunner', runner);
  app.addHook('onClose', async () => {
    await runner.stopAll();
    await replica.close();
  });
  return app;
}
