/** The OpenAPI document is generated from the routes: every /v1 route is in it, with its response schemas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApp } from '../app.ts';
import { buildTestApp } from '../testing/test-app.ts';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: object }> }>; security?: object[]; tags?: string[]; summary?: string };
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, object>; securitySchemes?: Record<string, object> } };

/** Reads fastify's route tree (`printRoutes({ commonPrefix: false })`) back into "METHOD /path" pairs. */
function registeredRoutes(tree: string): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/u.exec(line.trimEnd());
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = `${stack.join('')}${match[2]}`;
    stack.push(match[2]!);
    for (const method of match[3]!.split(', ')) routes.push({ method, path });
  }
  return routes;
}

describe('OpenAPI document', () => {
  let app: GatewayApp;
  let doc: OpenApi;
  beforeAll(async () => {
    app = await buildTestApp();
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    doc = response.json();
  });
  afterAll(() => app?.close());

  it('is OpenAPI 3 with the bearer scheme', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components?.securitySchemes?.['bearerAuth']).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('lists every /v1 route fastify serves, and nothing it does not', () => {
    const served = registeredRoutes(app.printRoutes({ commonPrefix: false }))
      .filter((route) => route.path.startsWith('/v1/') && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    // The tree must have been understood: these routes certainly exist.
    expect(served).toEqual(expect.arrayContaining(['POST /v1/quote-requests/{id}/accept', 'PATCH /v1/quotes/{id}', 'GET /v1/catalog/trims/{id}', 'POST /v1/auth/logout']));
    expect(served.length).toBeGreaterThanOrEqual(25);
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(served);
  });

  /** Follows a local `$ref` into components.schemas. */
  function resolve(schema: object | undefined): object | undefined {
    const ref = (schema as { $ref?: string } | undefined)?.$ref;
    return ref ? doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] : schema;
  }

  it('every /v1 operation has a success response with a schema, and its error answers are problem documents', () => {
    for (const [path, operations] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/'))) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, where).toBeTruthy();
        expect(operation.tags?.length, where).toBeGreaterThan(0);
        const responses = operation.responses ?? {};
        // Usually one; an upload answers 202 for new bytes and 200 for bytes the caller had sent before.
        const success = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
        expect(success.length, where).toBeGreaterThanOrEqual(1);
        for (const status of success) {
          // An answer without a body (a tus creation's 201) is documented as such, not left as fastify's default.
          const { content, description } = responses[status] as { content?: Record<string, { schema?: object }>; description?: string };
          if (status === '204' || (!content && description && description !== 'Default Response')) continue;
          expect(content?.['application/json']?.schema, `${where} ${status}`).toBeTruthy();
        }
        for (const [code, response] of Object.entries(responses).filter(([code]) => /^[45]\d\d$/.test(code))) {
          const schema = resolve(response.content?.['application/json']?.schema) as { required?: string[]; properties?: Record<string, unknown> } | undefined;
          expect(schema?.required, `${where} ${code}`).toEqual(expect.arrayContaining(['type', 'title', 'status']));
          expect(Object.keys(schema?.properties ?? {}), `${where} ${code}`).toEqual(expect.arrayContaining(['detail', 'code', 'requestId', 'errors']));
        }
        const isPublic = path.startsWith('/v1/auth/') || path === '/v1/regions' || path.startsWith('/v1/catalog/');
        if (isPublic) expect(operation.security, where).toEqual([]);
        else {
          expect(operation.security, where).toEqual([{ bearerAuth: [] }]);
          expect(responses['401'], where).toBeTruthy();
        }
      }
    }
  });

  it('what the document says needs a token does: every secured operation answers 401 without one, the rest do not', async () => {
    let secured = 0;
    for (const [path, operations] of Object.entries(doc.paths).filter(([p]) => p.startsWith('/v1/'))) {
      for (const [method, operation] of Object.entries(operations)) {
        const url = path.replace(/\{id\}/g, '1');
        const response = await app.inject({ method: method.toUpperCase() as 'GET', url, ...(method === 'get' ? {} : { payload: {} }) });
        if (operation.security?.length) {
          secured += 1;
          expect(response.statusCode, `${method} ${url}`).toBe(401);
          expect(response.headers['www-authenticate'], `${method} ${url}`).toContain('Bearer');
        } else {
          expect(response.statusCode, `${method} ${url}`).not.toBe(401);
        }
      }
    }
    expect(secured).toBeGreaterThanOrEqual(15);
  });

  it('documents the request schemas, enums included', () => {
    const create = doc.paths['/v1/quote-requests']?.['post'] as { requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { enum?: string[] }>; additionalProperties?: boolean } }> } };
    const schema = create.requestBody?.content?.['application/json']?.schema;
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties?.['region']?.enum).toContain('busan');
    expect(schema?.properties?.['paymentMethod']?.enum).toEqual(['cash', 'installment', 'lease']);
  });

  it('the UI is served at /docs', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
