import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerDailyRunMetrics } from './daily-run-metrics.ts';

async function samples(registry: Registry): Promise<Record<string, number>> {
  const values: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values) {
      const labels = Object.entries(sample.labels).map(([name, value]) => `${name}="${value}"`);
      values[labels.length > 0 ? `${metric.name}{${labels.join(',')}}` : metric.name] = sample.value;
    }
  }
  return values;
}

describe('daily run metrics', () => {
  it('start with both outcomes and both times at 0', async () => {
    const registry = new Registry();
    registerDailyRunMetrics(registry, { countsFrom: '2026-11-20' });
    expect(await samples(registry)).toEqual({
      'reporter_daily_runs_total{outcome="succeeded"}': 0,
      'reporter_daily_runs_total{outcome="failed"}': 0,
      reporter_daily_last_success_timestamp_seconds: 0,
      reporter_daily_last_run_timestamp_seconds: 0,
    });
  });

  it('count every run; the last success moves only when a newer day is completed', async () => {
    const registry = new Registry();
    const metrics = registerDailyRunMetrics(registry, { countsFrom: '2026-11-20' });
    const at = (iso: string) => new Date(iso);

    metrics.recordRun('failed', '2026-11-25', at('2026-11-25T15:30:05Z'));
    expect(await samples(registry)).toMatchObject({ 'reporter_daily_runs_total{outcome="failed"}': 1, reporter_daily_last_success_timestamp_seconds: 0, reporter_daily_last_run_timestamp_seconds: Date.parse('2026-11-25T15:30:05Z') / 1000 });

    metrics.recordRun('succeeded', '2026-11-25', at('2026-11-25T15:32:00Z'));
    expect(await samples(registry)).toMatchObject({ 'reporter_daily_runs_total{outcome="succeeded"}': 1, reporter_daily_last_success_timestamp_seconds: Date.parse('2026-11-25T15:32:00Z') / 1000 });
    expect(metrics.newestCompleteDay).toBe('2026-11-25');

    // Re-running the same day, backfilling an older one, or one before the window: the newest day is still the one completed at 15:32.
    metrics.recordRun('succeeded', '2026-11-25', at('2026-11-26T09:00:00Z'));
    metrics.recordRun('succeeded', '2026-11-21', at('2026-11-26T09:05:00Z'));
    metrics.recordRun('failed', null, at('2026-11-26T09:10:00Z'));
    expect(await samples(registry)).toMatchObject({
      'reporter_daily_runs_total{outcome="succeeded"}': 3,
      'reporter_daily_runs_total{outcome="failed"}': 2,
      reporter_daily_last_success_timestamp_seconds: Date.parse('2026-11-25T15:32:00Z') / 1000,
      reporter_daily_last_run_timestamp_seconds: Date.parse('2026-11-26T09:10:00Z') / 1000,
    });

    metrics.recordRun('succeeded', '2026-11-26', at('2026-11-26T15:30:40Z'));
    expect((await samples(registry))['reporter_daily_last_success_timestamp_seconds']).toBe(Date.parse('2026-11-26T15:30:40Z') / 1000);
  });

  it('take the seed from the targets, unless a run already completed a newer day; ignore days before the window', async () => {
    const registry = new Registry();
    const metrics = registerDailyRunMetrics(registry, { countsFrom: '2026-11-20' });
    metrics.recordRun('succeeded', '2026-11-10', new Date('2026-11-26T01:00:00Z'));
    expect((await samples(registry))['reporter_daily_last_success_timestamp_seconds']).toBe(0);

    metrics.seedNewestCompleteDay('2026-11-24', new Date('2026-11-24T15:30:30Z'));
    expect((await samples(registry))['reporter_daily_last_success_timestamp_seconds']).toBe(Date.parse('2026-11-24T15:30:30Z') / 1000);

    const raced = registerDailyRunMetrics(new Registry(), { countsFrom: '2026-11-20' });
    raced.recordRun('succeeded', '2026-11-25', new Date('2026-11-25T15:31:00Z'));
    raced.seedNewestCompleteDay('2026-11-24', new Date('2026-11-24T15:30:30Z'));
    expect(raced.newestCompleteDay).toBe('2026-11-25');
  });
});
