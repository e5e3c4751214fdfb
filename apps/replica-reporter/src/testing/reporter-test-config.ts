import { testDatabaseName } from '@chucar/platform/testing';
import { loadReporterConfig, type ReporterConfig } from '../config.ts';

/** The reporter as configured for tests: the stack's replica, the run's test database. */
export function reporterTestEnv(overrides: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', REPORTER_DB_NAME: testDatabaseName, ...overrides };
}

export function reporterTestConfig(overrides: Record<string, string> = {}): ReporterConfig {
  return loadReporterConfig(reporterTestEnv(overrides));
}
