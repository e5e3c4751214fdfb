import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '@chucar/domain';
import { createHttpService, redisPlugin } from '@chucar/platform';
import type { GatewayConfig } from './config.ts';
import { authPlugin } from './plugins/auth.ts';
import { databasesPlugin } from './plugins/databases.ts';
import { domainServicesPlugin } from './plugins/domain-services.ts';
import { gatewayDocs } from './openapi.ts';
import { expirySweepPlugin } from './plugins/expiry-sweep.ts';
import { idempotencyPlugin } from './plugins/idempotency.ts';
import { requestContextPlugin } from './plugins/request-context.ts';
import { securityPlugin } from './plugins/security.ts';
import { signInThrottlePlugin } from './plugins/sign-in-throttle.ts';
import { v1Routes } from './routes/v1/index.ts';
import { webClientPlugin } from './plugins/web-client.ts';

export interface BuildOptions {
  /** Tests pass a fixed clock; production uses the system clock. */
  clock?: Clock;
  /** `false` silences logging (tests). */
  logger?: false;
}

export type GatewayApp = FastifyInstance;

/** The whole gateway as one fastify instance, built from the platform's service kit; main.ts listens on it, tests call `inject`. */
export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<GatewayApp> {
  const app = await createHttpService({
    service: 'api-gateway',
    logging: config,
    ...(options.logger === false ? { logger: false } : {}),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    docs: gatewayDocs,
  });
  await app.register(requestContextPlugin);
  await app.register(redisPlugin, { settings: config, role: 'client', critical: false, impactWhenDown: 'rate limits fail open and the expiry sweep waits' });
  // Before security: its rate limit counts signed-in clients by the account their token verifies for.
  await app.register(authPlugin, { secret: config.JWT_SECRET, accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_S });
  await app.register(securityPlugin, { config });
  await app.register(signInThrottlePlugin, { config });
  await app.register(databasesPlugin, { config });
  await app.register(domainServicesPlugin, { config, ...(options.clock ? { clock: options.clock } : {}) });
  await app.register(idempotencyPlugin, { secret: config.JWT_SECRET, keyTtlMs: config.IDEMPOTENCY_KEY_TTL_H * 3_600_000, sweepIntervalMs: config.IDEMPOTENCY_SWEEP_INTERVAL_MS });
  await app.register(expirySweepPlugin, { intervalMs: config.EXPIRY_SWEEP_INTERVAL_MS, databaseName: config.DB_NAME });
  const media = { url: config.MEDIA_SERVICE_URL, timeoutMs: config.MEDIA_SERVICE_TIMEOUT_MS, secret: config.MEDIA_SERVICE_SECRET, maxUploadBytes: config.MEDIA_MAX_UPLOAD_BYTES };
  const reports = config.REPORTER_URL ? { url: config.REPORTER_URL, timeoutMs: config.REPORTER_TIMEOUT_MS, secret: config.REPORTER_SERVICE_SECRET } : undefined;
  const alertmanager = { url: config.ALERTMANAGER_URL, timeoutMs: config.ALERTMANAGER_TIMEOUT_MS };
  await app.withTypeProvider<TypeBoxTypeProvider>().register(v1Routes, { prefix: '/v1', media, reports, alertmanager });
  await app.register(webClientPlugin, { distDir: config.WEB_DIST_DIR, imageOrigins: config.WEB_IMAGE_ORIGINS, upgradeInsecureRequests: config.NODE_ENV === 'production' });
  return app;
}
