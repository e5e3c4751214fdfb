/**
 * The web client's API types are generated, never edited: this fails when the committed
 * apps/web/src/api/schema.d.ts differs from what the gateway's OpenAPI document generates now
 * (a route schema changed and `npm run web:api-types` was not run). No server is contacted.
 */
import fs from 'node:fs';
import type { OpenAPI3 } from 'openapi-typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { gatewayOpenApiDocument, generateSchemaTypes, schemaTypesFile } from './web-api-types.ts';

describe('web client API types', () => {
  let document: OpenAPI3;
  // The gateway prints its document from a process of its own: seconds on a busy machine.
  beforeAll(async () => {
    document = await gatewayOpenApiDocument();
  }, 60_000);

  it('match a fresh generation from the gateway OpenAPI document', async () => {
    const fresh = await generateSchemaTypes(document);
    const committed = fs.readFileSync(schemaTypesFile, 'utf8');
    expect(committed === fresh, 'apps/web/src/api/schema.d.ts is stale: run `npm run web:api-types` and commit it').toBe(true);
  });

  it('cover the routes the web client calls', () => {
    for (const path of ['/v1/auth/login', '/v1/catalog/trims', '/v1/reports', '/v1/reports/{name}', '/v1/quote-requests', '/v1/quote-requests/{id}/accept', '/v1/quotes/{id}', '/v1/media/{id}', '/v1/uploads']) {
      expect(document.paths?.[path], path).toBeDefined();
    }
  });
});
