/**
 * Reads the alerts firing now from Alertmanager's API v2. One deadline covers connecting, the
 * status line and the whole body, so the admin page gets an answer or a 503 in bounded time,
 * whatever state Alertmanager is in.
 */
import type { FastifyBaseLogger } from 'fastify';
import { HttpProblem, forwardedRequestHeaders } from '@chucar/platform';
import { UnexpectedAlertmanagerAnswer, firingAlertsFrom, type FiringAlert } from './firing-alerts.ts';

export type AlertmanagerSettings = {
  /** Base URL, a route prefix included (`--web.route-prefix`). */
  url: string;
  timeoutMs: number;
};

export interface AlertmanagerClient {
  /** Active alerts, neither silenced nor inhibited, page first; throws a 503 `alerting_unavailable` problem when Alertmanager cannot say. */
  firingAlerts(request: { id: string; log: FastifyBaseLogger }): Promise<FiringAlert[]>;
}

/** The page refreshes every 15 s: asking sooner would only find the same outage. */
const RETRY_AFTER_S = '15';
const FIRING_QUERY = 'active=true&silenced=false&inhibited=false';

class AlertmanagerRefused extends Error {
  constructor(status: number) {
    super(`Alertmanager answered HTTP ${status}`);
    this.name = 'AlertmanagerRefused';
  }
}

function whyUnavailable(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `Alertmanager did not answer within ${timeoutMs} ms`;
  if (error instanceof AlertmanagerRefused) return error.message;
  if (error instanceof UnexpectedAlertmanagerAnswer || error instanceof SyntaxError) return 'Alertmanager’s answer is not a list of alerts';
  return 'Alertmanager is unreachable';
}

export function createAlertmanagerClient(settings: AlertmanagerSettings): AlertmanagerClient {
  const alertsUrl = `${settings.url}/api/v2/alerts?${FIRING_QUERY}`;
  return {
    async firingAlerts(request) {
      try {
        const response = await fetch(alertsUrl, {
          headers: { accept: 'application/json', ...forwardedRequestHeaders(request) },
          // Alertmanager answers this path itself; a redirect means the URL points somewhere else.
          redirect: 'error',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        if (!response.ok) {
          await response.body?.cancel();
          throw new AlertmanagerRefused(response.status);
        }
        return firingAlertsFrom(await response.json());
      } catch (error) {
        request.log.warn({ err: error }, 'reading the firing alerts from Alertmanager failed');
        throw new HttpProblem(503, 'alerting_unavailable', `${whyUnavailable(error, settings.timeoutMs)}; retry shortly`, { 'retry-after': RETRY_AFTER_S });
      }
    },
  };
}
