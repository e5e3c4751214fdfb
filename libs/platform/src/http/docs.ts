import fp from 'fastify-plugin';
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

export type OpenApiDocument = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;

export interface DocsOptions {
  document: OpenApiDocument;
  /** Edits the generated document once, e.g. to add headers every response carries. */
  transform?: (document: OpenApiDocument) => OpenApiDocument;
}

/**
 * OpenAPI 3.1 generated from the route schemas (never written by hand): JSON at /docs/json, UI at
 * /docs. Registered before any route, since it documents the routes added after it.
 */
export const docsPlugin = fp<DocsOptions>(
  async (app, { document, transform }) => {
    await app.register(swagger, {
      openapi: { openapi: '3.1.0', ...document },
      // Shared schemas keep their $id as their OpenAPI name (Problem), not def-0.
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${index}`) },
      ...(transform ? { transformObject: (documentObject) => ('openapiObject' in documentObject ? transform(documentObject.openapiObject) : documentObject.swaggerObject) } : {}),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
