import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { createHttpService, redisPlugin } from '@chucar/platform';
import { createS3Client } from '@chucar/platform/s3';
import { serviceAuthPlugin } from './auth.ts';
import type { MediaConfig } from '../config.ts';
import { databasePlugin } from '../database.ts';
import { intakePlugin } from './intake/intake-plugin.ts';
import { mediaRoutes } from './routes/media-routes.ts';
import { createReadSigner } from './signed-reads/read-signer.ts';
import { primaryS3Settings } from '../storage/s3-settings.ts';
import { tusRoutes } from './tus/tus-routes.ts';

/**
 * The media service's HTTP side, built from the platform's service kit: it takes uploads into the
 * durable spool (POST /v1/media and tus resumable uploads under /v1/uploads), records them on the
 * primary and queues their storage; it shows media with signed URLs. It trusts only the gateway.
 */
export async function buildApp(config: MediaConfig, options: { logger?: false } = {}): Promise<FastifyInstance> {
  const app = await createHttpService({
    service: 'media-service',
    logging: config,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    ...(options.logger === false ? { logger: false } : {}),
    // Served to the gateway only, like every route here; the gateway's contract tests compare it with their own.
    docs: { document: { info: { title: 'Chucar media service', version: '1.0.0', description: 'Uploads and media for the gateway, which forwards them under /v1. Errors are RFC 9457 problem+json.' } } },
  });
  await app.register(serviceAuthPlugin, { secret: config.MEDIA_SERVICE_SECRET });
  // Producers fail fast while Redis is away; an accepted upload then waits in the spool.
  await app.register(redisPlugin, { settings: config, role: 'producer', critical: true, impactWhenDown: 'uploads cannot be queued for storage' });
  await app.register(databasePlugin, { config });
  await app.register(intakePlugin, { config });

  const s3 = createS3Client(primaryS3Settings(config));
  // Uploads are accepted into the spool even while S3 is down, so storage only degrades the service.
  app.addHealthCheck({
    name: 'storage',
    critical: false,
    timeoutMs: 2000,
    probe: async () => void (await s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET }), { abortSignal: AbortSignal.timeout(2000) })),
  });
  // A signed URL names its host, and clients cannot resolve an internal one (e.g. http://minio:9000);
  // with a mirror, reads fall back to it while the primary errors or lacks the object.
  const { signer, destroy: destroySigner } = createReadSigner(config, s3, app.log);
  await app.withTypeProvider<TypeBoxTypeProvider>().register(mediaRoutes, { signer });
  await app.register(tusRoutes, { expiryHours: config.MEDIA_TUS_EXPIRY_HOURS });
  app.addHook('onClose', async () => {
    s3.destroy();
    destroySigner();
  });
  return app;
}
