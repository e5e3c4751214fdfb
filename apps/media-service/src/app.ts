import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { closeKeepAliveWhileClosing, loggerOptions } from '@chucar/platform';
import type { MediaConfig } from './config.ts';
import { createS3Client } from './storage/s3-client.ts';

/**
 * The media service's HTTP side. Uploads, the spool and the workers arrive with the media
 * issue; for now it answers health checks against its real dependencies (Redis, the bucket).
 */
export async function buildApp(config: MediaConfig, options: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? loggerOptions(config, 'media-service'), logController: new LogController({ requestIdLogLabel: 'requestId' }), requestIdHeader: 'x-request-id' });
  const s3 = createS3Client(config);
  const redis = new Redis({ host: config.REDIS_HOST, port: config.REDIS_PORT, ...(config.REDIS_PASSWORD ? { password: config.REDIS_PASSWORD } : {}), connectTimeout: config.REDIS_CONNECT_TIMEOUT_MS, commandTimeout: config.REDIS_CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));

  closeKeepAliveWhileClosing(app);
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const [storage, queue] = await Promise.all([
      s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET }), { abortSignal: AbortSignal.timeout(2000) }).then(() => 'up', (error: Error) => `down: ${error.name}`),
      redis.ping().then(() => 'up', (error: Error) => `down: ${error.message}`),
    ]);
    // Uploads are accepted into the spool even while S3 is down, so only the queue decides readiness.
    const ready = queue === 'up';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { storage, queue } });
  });
  app.addHook('onClose', async () => {
    s3.destroy();
    redis.disconnect();
  });
  return app;
}
