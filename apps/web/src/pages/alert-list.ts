/** What the alerts page shows of the gateway's list: pure, so it is unit-tested. */
import type { FiringAlert } from '../api/alerts.ts';

export interface AlertsView {
  /** The alerts that say something is wrong, in the gateway's order (page first). */
  problems: FiringAlert[];
  /** The Watchdog (severity none) fires for as long as alerting works: proof the list is live, not a problem. */
  pipelineAlive: boolean;
}

export function alertsView(alerts: readonly FiringAlert[]): AlertsView {
  return { problems: alerts.filter((alert) => alert.severity !== 'none'), pipelineAlive: alerts.some((alert) => alert.severity === 'none') };
}

/**
 * A link for the runbook annotation, only when it is an absolute http(s) URL: anyone who can post to
 * Alertmanager sets annotations, so a `javascript:` URL must never become a link. A repository path
 * (docs/operations.md#medialost) is shown as text: the web client does not serve the docs.
 */
export function runbookHref(runbookUrl: string | null): string | null {
  if (!runbookUrl || !URL.canParse(runbookUrl)) return null;
  const { protocol } = new URL(runbookUrl);
  return protocol === 'https:' || protocol === 'http:' ? runbookUrl : null;
}

export type Elapsed = { value: number; unit: 'minute' | 'hour' | 'day' };

/** How long an alert has fired, in the largest whole unit that fits (under a minute counts as 0 minutes). */
export function firingFor(startsAt: string, now: Date): Elapsed {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(startsAt).getTime()) / 60_000));
  if (minutes < 60) return { value: minutes, unit: 'minute' };
  if (minutes < 48 * 60) return { value: Math.floor(minutes / 60), unit: 'hour' };
  return { value: Math.floor(minutes / (24 * 60)), unit: 'day' };
}

/** The contract's grouping labels besides the name: where the alert fires. */
const WHERE_LABELS = ['job', 'instance', 'service', 'server', 'store'] as const;

/** `job=mysqld · server=replica`, or null when the alert names no place. */
export function whereFiring(labels: Readonly<Record<string, string>>): string | null {
  const parts = WHERE_LABELS.filter((name) => labels[name]).map((name) => `${name}=${labels[name]}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}
