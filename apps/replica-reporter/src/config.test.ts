import { describe, expect, it } from 'vitest';
import { ConfigError } from '@chucar/platform';
import { loadReporterConfig } from './config.ts';

describe('reporter config', () => {
  it('defaults to the local replica with the SELECT-only account', () => {
    expect(loadReporterConfig({})).toMatchObject({ REPORTER_DB_PORT: 3308, REPORTER_DB_USER: 'chucar_reporter' });
  });

  it('names the bad variable', () => {
    expect(() => loadReporterConfig({ REPORTER_DB_PORT: 'replica' })).toThrow(ConfigError);
    expect(() => loadReporterConfig({ REPORTER_DB_PORT: 'replica' })).toThrow(/REPORTER_DB_PORT must be a port number/);
  });
});
