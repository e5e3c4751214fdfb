import type { FastifyPluginAsync } from 'fastify';
import { Problem } from '@chucar/contracts';
import type { AlertmanagerSettings } from '../../alerting/alertmanager-client.ts';
import { accountRoutes } from './accounts.ts';
import { adminAlertRoutes } from './admin-alerts.ts';
import { authRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { mediaRoutes } from './media.ts';
import type { MediaServiceSettings } from './media-forwarding.ts';
import { quoteRequestRoutes } from './quote-requests.ts';
import { quoteRoutes } from './quotes.ts';
import { reportForwardingRoutes, type ReporterServiceSettings } from './reports-forwarding.ts';

export type V1Options = { media: MediaServiceSettings; reports?: ReporterServiceSettings | undefined; alertmanager: AlertmanagerSettings };

/** Version 1 of the one API every client uses. */
export const v1Routes: FastifyPluginAsync<V1Options> = async (app, options) => {
  app.addSchema(Problem);
  // The API speaks JSON only: fastify's built-in text/plain parser would turn a mislabelled body into a
  // confusing 400 ("body must be object") instead of the 415 the client needs to fix its content type.
  app.removeContentTypeParser('text/plain');
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(adminAlertRoutes, options.alertmanager);
  await app.register(catalogRoutes);
  await app.register(quoteRequestRoutes);
  await app.register(quoteRoutes);
  // Its own encapsulated plugin: its bodies stay unparsed streams, the JSON routes above keep their parsers.
  await app.register(mediaRoutes, options.media);
  // Reports are the replica reporter's; the gateway only forwards them, when one is configured.
  if (options.reports) await app.register(reportForwardingRoutes, options.reports);
};
