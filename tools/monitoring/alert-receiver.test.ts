import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { readAlertLog, startAlertReceiver, type AlertReceiver } from './alert-receiver.ts';

const firing = {
  version: '4',
  status: 'firing',
  receiver: 'console',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'MediaStorageUnavailable', severity: 'page', store: 'primary', job: 'media-worker', instance: '127.0.0.1:3003' },
      annotations: { summary: 'The primary S3 store has not answered for 60 s', runbook_url: 'docs/operations.md#mediastorageunavailable' },
      startsAt: '2026-12-05T09:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
    },
  ],
};

describe('alert receiver', () => {
  let receiver: AlertReceiver | null = null;
  afterEach(async () => {
    await receiver?.close();
    receiver = null;
  });

  async function start(registry?: Registry) {
    const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'alert-log-')), 'alerts.log');
    const printed: string[] = [];
    receiver = await startAlertReceiver({ host: '127.0.0.1', port: 0, logFile, print: (line) => printed.push(line), ...(registry ? { registry } : {}) });
    return { logFile, printed, url: receiver.url };
  }

  it('prints a firing and a resolved alert on one line each and appends both to the log file', async () => {
    const { logFile, printed, url } = await start();
    const resolved = { ...firing, status: 'resolved', alerts: [{ ...firing.alerts[0], status: 'resolved', endsAt: '2026-12-05T09:05:00Z' }] };
    for (const payload of [firing, resolved]) {
      const response = await fetch(`${url}/alerts`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(200);
    }
    expect(printed).toEqual([
      'FIRING   MediaStorageUnavailable (page) [instance=127.0.0.1:3003 store=primary]: The primary S3 store has not answered for 60 s — runbook: docs/operations.md#mediastorageunavailable',
      'RESOLVED MediaStorageUnavailable (page) [instance=127.0.0.1:3003 store=primary]: The primary S3 store has not answered for 60 s — runbook: docs/operations.md#mediastorageunavailable',
    ]);
    const logged = readAlertLog(logFile);
    expect(logged.map((alert) => [alert.status, alert.alertname, alert.endsAt])).toEqual([
      ['firing', 'MediaStorageUnavailable', null],
      ['resolved', 'MediaStorageUnavailable', '2026-12-05T09:05:00Z'],
    ]);
  });

  it('answers 400 to a body that is not a webhook payload and logs nothing', async () => {
    const { logFile, printed, url } = await start();
    for (const body of ['{not json', JSON.stringify({ alerts: [{ status: 'odd', labels: {} }] }), JSON.stringify({})]) {
      const response = await fetch(`${url}/alerts`, { method: 'POST', body });
      expect(response.status).toBe(400);
    }
    expect(printed).toEqual([]);
    expect(readAlertLog(logFile)).toEqual([]);
  });

  it('serves the registry it is given at /metrics', async () => {
    const registry = new Registry();
    new Gauge({ name: 'chucar_test_gauge', help: 'a gauge', registers: [registry] }).set(3);
    const { url } = await start(registry);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('chucar_test_gauge 3');
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
  });
});
