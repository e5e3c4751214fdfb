import { createDatabase, type Database } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import type { ReporterConfig } from './config.ts';
import type { RunnerSettings } from './reports/report-runner.ts';

/** The replica, and nothing else: the config has no other address to connect to. */
export function openReplica(config: ReporterConfig): Database<Schema> {
  return createDatabase<Schema>({
    host: config.REPORTER_DB_HOST,
    port: config.REPORTER_DB_PORT,
    user: config.REPORTER_DB_USER,
    password: config.REPORTER_DB_PASSWORD,
    database: config.REPORTER_DB_NAME,
    // Report queries are capped by the slots; one more connection keeps the checks from waiting behind them.
    poolSize: config.REPORTER_MAX_CONCURRENT_QUERIES + 1,
    connectTimeoutMs: 2000,
    queryTimeoutMs: config.REPORTER_DB_TIMEOUT_MS,
  });
}

export function runnerSettings(config: ReporterConfig): RunnerSettings {
  return {
    statementTimeLimitS: config.REPORTER_STATEMENT_TIME_LIMIT_S,
    maxConcurrentQueries: config.REPORTER_MAX_CONCURRENT_QUERIES,
    queueWaitMs: config.REPORTER_QUEUE_WAIT_MS,
    warnLagS: config.REPORTER_LAG_WARN_S,
    allowNonReplica: config.REPORTER_ALLOW_NON_REPLICA,
  };
}
