import { describe, expect, it } from 'vitest';
import { UnexpectedAlertmanagerAnswer, firingAlertsFrom } from './firing-alerts.ts';

/** One alert exactly as Alertmanager 0.25 answers GET /api/v2/alerts. */
function gettableAlert(labels: Record<string, string>, startsAt: string, annotations: Record<string, string> = {}) {
  return {
    annotations,
    endsAt: '2026-12-05T09:08:13.730Z',
    fingerprint: '09fcffb3bc9dcee2',
    receivers: [{ name: 'null' }],
    startsAt,
    status: { inhibitedBy: [], silencedBy: [], state: 'active' },
    updatedAt: '2026-12-05T09:03:13.730Z',
    labels,
  };
}

describe('firing alerts from Alertmanager’s answer', () => {
  it('keep what a person acts on: name, severity, the annotations, since when, the labels, the state', () => {
    const [alert] = firingAlertsFrom([
      gettableAlert({ alertname: 'MediaLost', severity: 'page', job: 'media-worker' }, '2026-12-05T09:03:13.73+09:00', {
        summary: 'An accepted upload is lost',
        description: 'Both copies fail',
        runbook_url: 'docs/operations.md#medialost',
      }),
    ]);
    expect(alert).toEqual({
      name: 'MediaLost',
      severity: 'page',
      summary: 'An accepted upload is lost',
      description: 'Both copies fail',
      runbookUrl: 'docs/operations.md#medialost',
      startsAt: '2026-12-05T00:03:13.730Z',
      labels: { alertname: 'MediaLost', severity: 'page', job: 'media-worker' },
      state: 'active',
      fingerprint: '09fcffb3bc9dcee2',
    });
  });

  it('leave missing annotations null and call an unlisted or missing severity unknown', () => {
    const alerts = firingAlertsFrom([gettableAlert({ alertname: 'A', severity: 'critical' }, '2026-12-05T09:00:00Z'), gettableAlert({ alertname: 'B' }, '2026-12-05T09:00:00Z')]);
    expect(alerts.map((alert) => [alert.name, alert.severity, alert.summary, alert.description, alert.runbookUrl])).toEqual([
      ['A', 'unknown', null, null, null],
      ['B', 'unknown', null, null, null],
    ]);
  });

  it('sort page first, then warning, unknown, info and none; the longest firing first within a severity', () => {
    const alerts = firingAlertsFrom([
      gettableAlert({ alertname: 'Watchdog', severity: 'none' }, '2026-12-05T08:00:00Z'),
      gettableAlert({ alertname: 'Info', severity: 'info' }, '2026-12-05T08:00:00Z'),
      gettableAlert({ alertname: 'Odd', severity: 'critical' }, '2026-12-05T09:00:00Z'),
      gettableAlert({ alertname: 'NewPage', severity: 'page' }, '2026-12-05T09:05:00Z'),
      gettableAlert({ alertname: 'Lag', severity: 'warning' }, '2026-12-05T08:30:00Z'),
      gettableAlert({ alertname: 'OldPage', severity: 'page' }, '2026-12-05T09:00:00Z'),
    ]);
    expect(alerts.map((alert) => alert.name)).toEqual(['OldPage', 'NewPage', 'Lag', 'Odd', 'Info', 'Watchdog']);
  });

  it('refuse an answer that is not a list of alerts', () => {
    expect(() => firingAlertsFrom({ status: 'success', data: [] })).toThrow(UnexpectedAlertmanagerAnswer);
    expect(() => firingAlertsFrom([{ labels: { alertname: 'A' } }])).toThrow(/startsAt/);
    expect(() => firingAlertsFrom([{ ...gettableAlert({ alertname: 'A' }, '2026-12-05T09:00:00Z'), status: { state: 'firing' } }])).toThrow(/status\.state/);
    expect(() => firingAlertsFrom([{ ...gettableAlert({ alertname: 'A' }, '2026-12-05T09:00:00Z'), labels: 'alertname=A' }])).toThrow(/labels/);
    expect(firingAlertsFrom([])).toEqual([]);
  });
});
