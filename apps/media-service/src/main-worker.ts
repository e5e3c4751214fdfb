/**
 * Process entry of the media worker (scaled apart from the API): config → createMediaWorker →
 * /metrics and /health on MEDIA_WORKER_PORT. SIGTERM closes the worker gracefully: running jobs
 * finish first (a job cut short is handed out again once its lock lapses, and every job is
 * idempotent).
 */
import { loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { loadMediaConfig } from './config.ts';
import { createMediaWorker } from './worker/media-worker.ts';

const config = loadConfigOrExit('media-worker', () => loadMediaConfig());
const worker = await createMediaWorker(config);
await worker.start();
await serveUntilSignalled(worker.app, { host: config.MEDIA_HOST, port: config.MEDIA_WORKER_PORT }, config.S3_TIMEOUT_MS + 10_000);
