/**
 * docker-compose's alert receiver: Alertmanager's webhook prints every firing and resolved alert to
 * stdout (`docker compose logs alert-log`) and appends it to ALERT_LOG_FILE. Routing the same alerts
 * to Slack, e-mail or PagerDuty is Alertmanager's own job: docs/operations.md.
 */
import { parseArgs } from 'node:util';
import { startAlertReceiver } from './alert-receiver.ts';

let port: number;
try {
  const { values } = parseArgs({ options: { port: { type: 'string', default: process.env['ALERT_LOG_PORT'] ?? '9400' } }, strict: true });
  port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--port (or ALERT_LOG_PORT) must be a port number, not ${JSON.stringify(values.port)}`);
} catch (error) {
  console.error(`alert-log: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
const logFile = process.env['ALERT_LOG_FILE'] ?? '/var/log/chucar/alerts.log';
const receiver = await startAlertReceiver({ host: process.env['ALERT_LOG_HOST'] ?? '0.0.0.0', port, logFile, print: (line) => console.log(`[alert] ${line}`) });
console.log(`alert-log: Alertmanager webhook at ${receiver.url}/alerts, alerts appended to ${logFile}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void receiver.close().then(() => process.exit(0)));
}
