import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerOperationsMetrics } from './operations-metrics.ts';
import { createWaitingUploadsWatch } from './waiting-uploads.ts';

const notStuck = { stuck: false, waiting: 0, stalledSince: null, heldForStorage: false, lastError: null };

describe('the oldest waiting upload', () => {
  it('ages from the acceptance time between reads, is 0 when nothing waits, and unknown while the database does not answer', async () => {
    let clock = Date.parse('2026-12-05T10:00:00Z');
    let answer: () => Promise<Date | null> = async () => new Date('2026-12-05T09:58:00Z');
    const watch = createWaitingUploadsWatch({ oldestAcceptedAt: () => answer(), refreshEveryMs: 60_000, now: () => clock });
    expect(watch.oldestWaitingSeconds()).toBeNull();
    await watch.refresh();
    expect(watch.oldestWaitingSeconds()).toBe(120);
    clock += 7500;
    expect(watch.oldestWaitingSeconds()).toBe(127.5);

    answer = async () => null;
    await watch.refresh();
    expect(watch.oldestWaitingSeconds()).toBe(0);

    answer = async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:3307'));
    await watch.refresh();
    expect(watch.oldestWaitingSeconds()).toBeNull();
  });

  it('shows as media_spool_oldest_waiting_seconds, with no sample at all (not 0) while unknown', async () => {
    const registry = new Registry();
    let seconds: number | null = 42.5;
    registerOperationsMetrics(registry, { countFailed: async () => ({ store: 0, variants: 0 }), failedRefreshMs: 30_000, queueStatus: () => notStuck, oldestWaitingUploadSeconds: () => seconds });
    const samples = async () => (await registry.getSingleMetricAsString('media_spool_oldest_waiting_seconds')).split('\n').filter((line) => !line.startsWith('#'));
    expect(await samples()).toEqual(['media_spool_oldest_waiting_seconds 42.5']);
    seconds = null;
    expect(await samples()).toEqual([]);
    seconds = 0;
    expect(await samples()).toEqual(['media_spool_oldest_waiting_seconds 0']);
  });
});
