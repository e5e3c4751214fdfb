/**
 * Where Alertmanager delivers alerts on a machine with no Slack or pager wired in: a webhook that
 * prints each firing or resolved alert as one line a person reads, and appends it as JSON to a log
 * file (one object a line, for tools and tests). `npm start` runs it in its own process, beside its
 * /metrics; docker-compose runs it alone (alert-log.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Registry } from 'prom-client';

/** The parts of Alertmanager's webhook payload (version 4) that are read here. */
interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

export interface DeliveredAlert {
  receivedAt: string;
  status: 'firing' | 'resolved';
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
}

export interface AlertReceiverOptions {
  host: string;
  port: number;
  logFile: string;
  /** Each alert as a line for a person. */
  print: (line: string) => void;
  /** Served at GET /metrics when given. */
  registry?: Registry;
}

export interface AlertReceiver {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const LABELS_NOT_SHOWN = new Set(['alertname', 'severity', 'job', 'instance']);

function isWebhookAlert(value: unknown): value is WebhookAlert {
  if (typeof value !== 'object' || value === null) return false;
  const alert = value as Record<string, unknown>;
  return (alert['status'] === 'firing' || alert['status'] === 'resolved') && typeof alert['labels'] === 'object' && alert['labels'] !== null;
}

/** One line: status, name, severity, the labels that tell instances apart, the summary, the runbook. */
export function formatAlert(alert: DeliveredAlert): string {
  const where = Object.entries(alert.labels)
    .filter(([name]) => !LABELS_NOT_SHOWN.has(name))
    .map(([name, value]) => `${name}=${value}`);
  if (alert.labels['instance']) where.unshift(`instance=${alert.labels['instance']}`);
  const severity = alert.labels['severity'] ? ` (${alert.labels['severity']})` : '';
  const summary = alert.annotations['summary'] ?? '';
  const runbook = alert.annotations['runbook_url'] ? ` — runbook: ${alert.annotations['runbook_url']}` : '';
  return `${alert.status === 'firing' ? 'FIRING  ' : 'RESOLVED'} ${alert.alertname}${severity}${where.length > 0 ? ` [${where.join(' ')}]` : ''}: ${summary}${runbook}`;
}

export function parseWebhook(body: string, receivedAt: Date): DeliveredAlert[] {
  const payload = JSON.parse(body) as { alerts?: unknown };
  if (!Array.isArray(payload.alerts) || !payload.alerts.every(isWebhookAlert)) throw new Error('not an Alertmanager webhook payload: alerts[] with status and labels expected');
  return (payload.alerts as WebhookAlert[]).map((alert) => ({
    receivedAt: receivedAt.toISOString(),
    status: alert.status,
    alertname: alert.labels['alertname'] ?? 'unnamed',
    labels: alert.labels,
    annotations: alert.annotations ?? {},
    startsAt: alert.startsAt ?? null,
    // Alertmanager sends the zero time for an alert still firing.
    endsAt: alert.endsAt && !alert.endsAt.startsWith('0001-') ? alert.endsAt : null,
  }));
}

export async function startAlertReceiver(options: AlertReceiverOptions): Promise<AlertReceiver> {
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const answer = (response: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    response.writeHead(status, { 'content-type': type }).end(body);
  };
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics' && options.registry) {
      const registry = options.registry;
      registry.metrics().then((text) => answer(response, 200, text, registry.contentType), (error: unknown) => answer(response, 500, String(error)));
      return;
    }
    if (request.method !== 'POST' || request.url !== '/alerts') return answer(response, 404, 'POST /alerts (Alertmanager webhook) or GET /metrics\n');
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        answer(response, 413, 'payload over 1 MiB\n');
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      let alerts: DeliveredAlert[];
      try {
        alerts = parseWebhook(Buffer.concat(chunks).toString('utf8'), new Date());
      } catch (error) {
        return answer(response, 400, `${error instanceof Error ? error.message : String(error)}\n`);
      }
      // Written before the 200, so an alert Alertmanager counts as delivered is on disk.
      fs.appendFileSync(options.logFile, alerts.map((alert) => `${JSON.stringify(alert)}\n`).join(''));
      for (const alert of alerts) options.print(formatAlert(alert));
      answer(response, 200, 'ok\n');
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** The alerts the log file holds, oldest first (tests and the fault-to-alert bench read it). */
export function readAlertLog(logFile: string): DeliveredAlert[] {
  if (!fs.existsSync(logFile)) return [];
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DeliveredAlert);
}
