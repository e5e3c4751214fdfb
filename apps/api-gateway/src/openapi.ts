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
function documentFreshnessHeaders(document: OpenApiDocument): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const ok = item?.get?.responses?.['200'];
    if (!path.startsWith('/v1/') || readsNoDatabase.has(path) || !ok || '$ref' in ok) continue;
    ok.headers = { ...ok.headers, ...freshnessHeaders };
  }
}

const rateLimited = {
  description: 'Too many requests from this client (`rate_limited`): retry after `Retry-After` seconds',
  headers: { 'retry-after': { description: 'Seconds to wait before the next attempt', schema: { type: 'integer' as const, minimum: 1 } } },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/**
 * Every /v1 request is rate-limited per client, by the gateway or, where its own limiter is turned
 * off, by the one in front of it: operations whose schema names no 429 of their own get this one.
 */
function documentRateLimit(document: OpenApiDocument): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith('/v1/') || !item) continue;
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const) {
      const responses = item[method]?.responses;
      if (responses && !responses['429']) responses['429'] = rateLimited;
    }
  }
}

/** What the gateway's plugins do to every route, which no route schema states. */
function documentCrossCuttingAnswers(document: OpenApiDocument): OpenApiDocument {
  documentFreshnessHeaders(document);
  documentRateLimit(document);
  return document;
}

/** Each tag groups the operations of one resource; generators and the UI show these descriptions. */
const tags = [
  { name: 'auth', description: 'Sign-up, sign-in, token refresh and sign-out. No token needed: these operations issue and revoke tokens.' },
  { name: 'accounts', description: 'The signed-in account.' },
  { name: 'dealers', description: 'Dealer accounts and their review: a dealer bids only once an admin has approved them.' },
  { name: 'catalog', description: 'Regions, and makers, models and trims with list prices and options. Public: no token needed.' },
  { name: 'quote requests', description: 'A customer’s request for quotes on a trim in a region: open until a quote is accepted, the customer cancels it or it expires.' },
  { name: 'quotes', description: 'A dealer’s offer on a quote request: one per dealer and request, revisable while the request is open.' },
  { name: 'media', description: 'Photos and documents attached to quote requests: stored durably, read through short-lived signed URLs.' },
  { name: 'resumable uploads', description: 'Uploads by the tus 1.0 protocol, for unreliable networks; a finished upload becomes a media.' },
  { name: 'reports', description: 'Statistics for analysts and admins, computed on the read-only replica only.' },
  { name: 'admin', description: 'Operations for admins: what the monitoring says is wrong now.' },
  { name: 'health', description: 'Liveness and readiness probes for load balancers and orchestrators; never rate-limited, no token needed.' },
];

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
    // Paths start with /v1: the API is served from the root of whatever host serves this document.
    servers: [{ url: '/', description: 'The host that served this document (the load balancer)' }],
    tags,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  },
  transform: documentCrossCuttingAnswers,
};
