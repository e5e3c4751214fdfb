import type { DocsOptions, OpenApiDocument } from '@chucar/platform';
import { consistencyHeader, readLagBoundHeader, readSourceHeader } from './plugins/request-context.ts';

const freshnessHeaders = {
  [readSourceHeader]: {
    description: 'Where this answer was read: `replica` (the read-only copy) or `primary`.',
    schema: { type: 'string' as const, enum: ['primary', 'replica'] },
  },
  [readLagBoundHeader]: {
    description:
      'Upper bound, in milliseconds, on how far the data may trail the latest commits: 0 from the primary; from the replica, ' +
      'the lag last measured by the heartbeat plus its one-second resolution plus the age of that measurement. ' +
      `Your own writes are always included when you send their ${consistencyHeader}.`,
    schema: { type: 'integer' as const, minimum: 0 },
  },
};

/** GETs under /v1 that read no database: fixed data, or another service's (Alertmanager's) answer. */
const readsNoDatabase = new Set(['/v1/regions', '/v1/admin/alerts']);

/** Every successful GET under /v1 that reads the database states its freshness in two headers. */
function documentFreshnessHeaders(document: OpenApiDocument): OpenApiDocument {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const ok = item?.get?.responses?.['200'];
    if (!path.startsWith('/v1/') || readsNoDatabase.has(path) || !ok || '$ref' in ok) continue;
    ok.headers = { ...ok.headers, ...freshnessHeaders };
  }
  return document;
}

export const gatewayDocs: DocsOptions = {
  document: {
    info: {
      title: 'Chucar API',
      version: '1.0.0',
      description:
        'The one API for the mobile apps and the web client. Errors are RFC 9457 problem+json. ' +
        `Every write returns \`${consistencyHeader}\`; send it back on reads to see your own writes. ` +
        `Every read states where it was served (\`${readSourceHeader}\`) and how stale it can be (\`${readLagBoundHeader}\`). ` +
        'Writes accept an `Idempotency-Key` header: retry a write whose answer you did not get with the same key, and it is applied at most once (see each operation).',
    },
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  },
  transform: documentFreshnessHeaders,
};
