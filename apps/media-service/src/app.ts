import type { FastifyInstance } from 'fastify';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { createHttpService, redisPlugin } from '@chucar/platform';
import type { MediaConfig } from './config.ts';
import { createS3Client } from './storage/s3-client.ts';

/**
 * The media service's HTTP side, built from the platform's service kit. Uploads, the spool and
 * the workers arrive with the media issue; for now it answers health checks against its real
 * dependencies: the queue (Redis) and the bucket.
 */
export async function buildApp(config: MediaConfig, options: { logger?: false } = {}): Promise<FastifyInstance> {
  const app = await createHttpService({ service: 'media-service', logging: config, ...(options.logger === false ? { logger: false } : {}) });
  // Producers fail fast while Redis is away; an accepted upload then waits in the spool.
  await app.register(redisPlugin, { settings: config, role: 'producer', critical: true, impactWhenDown: 'uploads cannot be queued for storage' });

  const s3 = createS3Client(config);
  // Uploads are accepted into the spool even while S3 is down, so storage only degrades the service.
  app.addHealthCheck({
    name: 'storage',
    critical: false,
    timeoutMs: 2000,
    probe: async () => void (await s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET }), { abortSignal: AbortSignal.timeout(2000) })),
  });
  app.addHook('onClose', async () => {
    s3.destroy();
  });
  return app;
}
