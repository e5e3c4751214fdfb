/**
 * The alerts firing now, as the admin API answers them: read from Alertmanager's API v2 answer
 * (`GET /api/v2/alerts`, its "gettableAlerts"), reduced to what a person acts on, page first.
 */
import { Type, type Static } from 'typebox';
import { literals } from '@chucar/contracts';

/** The monitoring contract's severities; `unknown` stands for a missing or unlisted label (kept as it was in `labels`). */
export const ALERT_SEVERITIES = ['page', 'warning', 'info', 'none', 'unknown'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** Alertmanager's own states: `unprocessed` is received but not yet routed, `suppressed` silenced or inhibited. */
export const ALERT_STATES = ['active', 'unprocessed', 'suppressed'] as const;

const orNull = (description: string) => Type.Union([Type.String(), Type.Null()], { description });

export const FiringAlert = Type.Object({
  name: Type.String({ description: 'The alertname label' }),
  severity: literals(ALERT_SEVERITIES, 'page (act now), warning, info, none (the Watchdog, which always fires while alerting works), or unknown'),
  summary: orNull('One line a person understands (the summary annotation)'),
  description: orNull('The description annotation'),
  runbookUrl: orNull('The runbook_url annotation, as the rule wrote it (an absolute URL or a path in the repository, e.g. docs/operations.md#medialost)'),
  startsAt: Type.String({ format: 'date-time', description: 'When it started firing' }),
  labels: Type.Object({}, { additionalProperties: Type.String(), description: 'Every label of the alert (job, instance, service, …)' }),
  state: literals(ALERT_STATES, 'Alertmanager’s state of the alert'),
  fingerprint: Type.String({ description: 'Alertmanager’s identifier of the alert (its label set)' }),
});
export type FiringAlert = Static<typeof FiringAlert>;

export const FiringAlerts = Type.Object({ alerts: Type.Array(FiringAlert, { description: 'Page first, then warning, unknown, info and none; within a severity, the longest firing first' }) });

/** Alertmanager answered, but not with a list of alerts (a wrong URL, another service on the port, an incompatible version). */
export class UnexpectedAlertmanagerAnswer extends Error {
  constructor(detail: string) {
    super(`Alertmanager’s answer is not a list of alerts: ${detail}`);
    this.name = 'UnexpectedAlertmanagerAnswer';
  }
}

// An unknown severity (a misspelt label, another rule set's "critical") may be serious: it is not buried under info.
const severityRank: Record<AlertSeverity, number> = { page: 0, warning: 1, unknown: 2, info: 3, none: 4 };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function stringsOf(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new UnexpectedAlertmanagerAnswer(`${what} is not an object`);
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

const LABELLED_SEVERITIES: readonly string[] = ['page', 'warning', 'info', 'none'] satisfies AlertSeverity[];

function severityOf(label: string | undefined): AlertSeverity {
  return label !== undefined && LABELLED_SEVERITIES.includes(label) ? (label as AlertSeverity) : 'unknown';
}

function firingAlertFrom(item: unknown, index: number): FiringAlert {
  if (!isRecord(item)) throw new UnexpectedAlertmanagerAnswer(`item ${index} is not an object`);
  const labels = stringsOf(item['labels'], `item ${index}'s labels`);
  const annotations = stringsOf(item['annotations'], `item ${index}'s annotations`);
  const startsAt = new Date(typeof item['startsAt'] === 'string' ? item['startsAt'] : Number.NaN);
  if (Number.isNaN(startsAt.getTime())) throw new UnexpectedAlertmanagerAnswer(`item ${index} has no valid startsAt`);
  const state = isRecord(item['status']) ? item['status']['state'] : undefined;
  if (!(ALERT_STATES as readonly unknown[]).includes(state)) throw new UnexpectedAlertmanagerAnswer(`item ${index} has no known status.state`);
  const fingerprint = typeof item['fingerprint'] === 'string' ? item['fingerprint'] : '';
  return {
    name: labels['alertname'] ?? fingerprint,
    severity: severityOf(labels['severity']),
    summary: annotations['summary'] ?? null,
    description: annotations['description'] ?? null,
    runbookUrl: annotations['runbook_url'] ?? null,
    startsAt: startsAt.toISOString(),
    labels,
    state: state as FiringAlert['state'],
    fingerprint,
  };
}

export function compareFiringAlerts(a: FiringAlert, b: FiringAlert): number {
  return severityRank[a.severity] - severityRank[b.severity] || a.startsAt.localeCompare(b.startsAt) || a.name.localeCompare(b.name) || a.fingerprint.localeCompare(b.fingerprint);
}

/** Alertmanager's parsed JSON answer → the firing alerts, sorted; throws UnexpectedAlertmanagerAnswer for anything else. */
export function firingAlertsFrom(answer: unknown): FiringAlert[] {
  if (!Array.isArray(answer)) throw new UnexpectedAlertmanagerAnswer('not an array');
  return answer.map(firingAlertFrom).sort(compareFiringAlerts);
}
