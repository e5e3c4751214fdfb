/**
 * The alerts firing now, for admins: the gateway reads them from Alertmanager at each call
 * (GET /v1/admin/alerts) and answers 503 `alerting_unavailable` when it cannot.
 */
import { unwrap, type ApiClient } from './client.ts';
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type FiringAlert = Json<paths['/v1/admin/alerts']['get']['responses'][200]>['alerts'][number];
export type AlertSeverity = FiringAlert['severity'];

export async function listFiringAlerts(api: ApiClient): Promise<FiringAlert[]> {
  return (await unwrap(api.client.GET('/v1/admin/alerts'))).alerts;
}
