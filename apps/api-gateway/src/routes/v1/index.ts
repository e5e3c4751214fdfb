import type { FastifyPluginAsync } from 'fastify';
import { accountRoutes } from './accounts.ts';
import { authRoutes } from './auth.ts';
import { catalogRoutes } from './catalog.ts';
import { quoteRequestRoutes } from './quote-requests.ts';
import { quoteRoutes } from './quotes.ts';
import { Problem } from './schemas.ts';

/** Version 1 of the one API every client uses. */
export const v1Routes: FastifyPluginAsync = async (app) => {
  app.addSchema(Problem);
  // The API speaks JSON only: fastify's built-in text/plain parser would turn a mislabelled body into a
  // confusing 400 ("body must be object") instead of the 415 the client needs to fix its content type.
  app.removeContentTypeParser('text/plain');
  await app.register(authRoutes);
  await app.register(accountRoutes);
  await app.register(catalogRoutes);
  await app.register(quoteRequestRoutes);
  await app.register(quoteRoutes);
};
