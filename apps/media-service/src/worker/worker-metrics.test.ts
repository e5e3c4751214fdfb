import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerWorkerMetrics } from './worker-metrics.ts';

describe('worker metrics', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('media_spool_objects counts the spool, and has no sample (not 0) while the spool cannot be read', async () => {
    const spoolObjectsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-metrics-spool-'));
    dirs.push(spoolObjectsDir);
    for (const name of ['a', 'b', 'c']) fs.writeFileSync(path.join(spoolObjectsDir, name), name);
    const registry = new Registry();
    registerWorkerMetrics(registry, { queueCounts: async () => ({}), spoolSpace: async () => ({ freeBytes: 1, totalBytes: 2 }), spoolObjectsDir, storageStates: () => ({}) });
    const samples = async () => (await registry.getSingleMetricAsString('media_spool_objects')).split('\n').filter((line) => !line.startsWith('#'));
    expect(await samples()).toEqual(['media_spool_objects 3']);
    fs.rmSync(spoolObjectsDir, { recursive: true });
    expect(await samples()).toEqual([]);
  });
});
