import { env, readEnv, runtimeEnv, type EnvValues } from '@chucar/platform';

/** The reporter knows only the replica: it has no variable that could point it at the primary. */
export const reporterEnv = {
  ...runtimeEnv,
  REPORTER_HOST: env.string({ description: 'Address the reporter HTTP API listens on (0.0.0.0 in containers)', default: '127.0.0.1' }),
  REPORTER_PORT: env.port({ description: 'Reporter HTTP port', default: 3002 }),
  REPORTER_DB_HOST: env.string({ description: 'Read-only replica host (never the primary)', default: '127.0.0.1' }),
  REPORTER_DB_PORT: env.port({ description: 'Read-only replica port', default: 3308 }),
  REPORTER_DB_NAME: env.string({ description: 'Application database on the replica', default: 'chucar' }),
  REPORTER_DB_USER: env.string({ description: 'Reporter account (SELECT only)', default: 'chucar_reporter' }),
  REPORTER_DB_PASSWORD: env.string({ description: 'Reporter account password', default: 'chucar_reporter_pw', secret: true }),
  REPORTER_DB_TIMEOUT_MS: env.int({ description: 'Timeout of one report query', default: 60_000, min: 100 }),
};

export type ReporterConfig = EnvValues<typeof reporterEnv>;

export function loadReporterConfig(source: Record<string, string | undefined> = process.env): ReporterConfig {
  return readEnv(reporterEnv, source);
}
