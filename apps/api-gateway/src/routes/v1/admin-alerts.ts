import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems } from '@chucar/contracts';
import { createAlertmanagerClient, type AlertmanagerSettings } from '../../alerting/alertmanager-client.ts';
import { FiringAlerts } from '../../alerting/firing-alerts.ts';

const bearer = [{ bearerAuth: [] }];

const DESCRIPTION =
  'The alerts Prometheus raised that are firing now, as Alertmanager holds them (active, neither silenced nor inhibited). ' +
  'Nothing is stored by the gateway: each call asks Alertmanager, within ALERTMANAGER_TIMEOUT_MS. 503 `alerting_unavailable` ' +
  '(with Retry-After) when Alertmanager is unreachable, does not answer in time, or answers something else than a list of alerts.';

/** Operations for admins: what the monitoring says is wrong right now. */
export const adminAlertRoutes: FastifyPluginAsyncTypebox<AlertmanagerSettings> = async (app, settings) => {
  const alertmanager = createAlertmanagerClient(settings);

  app.get('/admin/alerts', {
    onRequest: app.requireRole('admin'),
    schema: { operationId: 'listFiringAlerts', tags: ['admin'], summary: 'The alerts firing now, page first', description: DESCRIPTION, security: bearer, response: { 200: FiringAlerts, ...problems(401, 403, 429, 503) } },
  }, async (request) => ({ alerts: await alertmanager.firingAlerts(request) }));
};
