import { randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import { createRepositories, type Actor } from '@chucar/domain';
import { HttpProblem, createPeriodicTask } from '@chucar/platform';
import type { MediaConfig } from '../../config.ts';
import { acceptUpload, type AcceptedUpload } from './accept-upload.ts';
import { registerIntakeMetrics, type UploadRoute } from './intake-metrics.ts';
import { openSpool, spoolHasRoom, type Spool } from '../../spool.ts';
import type { SpooledFile } from './spool-writer.ts';
import { createStoreEnqueuer } from './store-enqueuer.ts';

export interface Intake {
  spool: Spool;
  maxBytes: number;
  /** 503 + Retry-After while the spool's disk is nearly full, before a byte is read. */
  ensureRoom(expectedBytes?: number): Promise<void>;
  /** Takes ownership of `file` (see acceptUpload) and counts an acceptance. */
  accept(route: UploadRoute, actor: Actor, file: SpooledFile, requestId: string, startedAt: number): Promise<AcceptedUpload>;
  /** Counts a refused or failed upload, whatever refused it. */
  rejected(route: UploadRoute, error: unknown): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    intake: Intake;
  }
}

const spoolFullRetryAfterSeconds = 60;
/** Far beyond any upload in progress (the request timeout ends those): what is older died with a process. */
const staleIncomingMs = 3_600_000;

/** The spool, the queue producer and the intake metrics; a critical readiness check on the spool. */
export const intakePlugin = fp<{ config: MediaConfig }>(
  async (app, { config }) => {
    const spool = await openSpool(config.MEDIA_SPOOL_DIR);
    const floors = { minFreeBytes: config.MEDIA_SPOOL_MIN_FREE_BYTES, minFreePercent: config.MEDIA_SPOOL_MIN_FREE_PERCENT };
    const metrics = registerIntakeMetrics(app.metricsRegistry, spool);
    const queue = createStoreEnqueuer(app.redis, config.MEDIA_QUEUE_PREFIX, app.log, config.REDIS_CONNECT_TIMEOUT_MS);
    const rows = createRepositories(app.primary.db).media;
    const deps = { spool, media: app.media, queue, maxPixels: config.MEDIA_MAX_PIXELS, findRow: (id: string) => rows.findById(id) };

    app.decorate('intake', {
      spool,
      maxBytes: config.MEDIA_MAX_UPLOAD_BYTES,
      async ensureRoom(expectedBytes = 0) {
        if (spoolHasRoom(await spool.space(), floors, expectedBytes)) return;
        throw new HttpProblem(503, 'spool_full', 'the upload spool is nearly full; retry later', { 'retry-after': String(spoolFullRetryAfterSeconds) });
      },
      async accept(route, actor, file, requestId, startedAt) {
        const accepted = await acceptUpload(deps, actor, file, requestId);
        metrics.accepted(route, accepted.outcome, (performance.now() - startedAt) / 1000);
        return accepted;
      },
      rejected: metrics.rejected,
    } satisfies Intake);

    // Accepting means writing and fsyncing here: a spool that cannot take a file is a dead instance.
    app.addHealthCheck({
      name: 'spool',
      critical: true,
      probe: async () => {
        await probeWritable(spool.incomingDir);
        const space = await spool.space();
        if (!spoolHasRoom(space, floors)) throw new Error(`nearly full: ${space.freeBytes} of ${space.totalBytes} bytes free; uploads get 503`);
        return { status: 'up', detail: `${space.freeBytes} bytes free` };
      },
    });
    const sweep = createPeriodicTask({
      name: 'media_spool_incoming_sweep',
      intervalMs: staleIncomingMs,
      // Once before traffic: what a crashed process left in incoming/ goes at start.
      runAtStart: true,
      run: async () => {
        const removed = await spool.sweepIncoming(staleIncomingMs);
        if (removed > 0) app.log.info({ removed }, 'stale partial uploads removed from the spool');
      },
      logger: app.log,
      registry: app.metricsRegistry,
    });
    app.addHook('onReady', () => sweep.start());
    app.addHook('onClose', async () => {
      await sweep.stop();
      await queue.close();
    });
  },
  { name: 'intake', dependencies: ['health', 'metrics', 'redis', 'database'] },
);

async function probeWritable(dir: string): Promise<void> {
  const probePath = path.join(dir, `.probe-${randomUUID()}`);
  const handle = await open(probePath, 'wx');
  try {
    await handle.writeFile('probe');
    await handle.sync();
  } finally {
    await handle.close();
    await rm(probePath, { force: true });
  }
}
