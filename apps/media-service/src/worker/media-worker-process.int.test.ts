/**
 * The worker as the process `npm start` and compose run (main-worker.ts), killed with SIGKILL in
 * the middle of a backlog, and stopped with SIGTERM while jobs run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '@chucar/domain';
import { unusedLoopbackPort } from '@chucar/platform/testing';
import { cameraPhoto } from '../testing/camera-photo.ts';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';

const entry = fileURLToPath(new URL('../main-worker.ts', import.meta.url));
const storedWithPreviews = (media: Media) => media.status === 'stored' && media.variantsStatus === 'ready';

interface WorkerProcess {
  child: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const port = await unusedLoopbackPort();
  const child = spawn(process.execPath, [entry], { env: { ...process.env, ...env, MEDIA_WORKER_PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((answer) => answer.ok, () => false);
    if (ready) return { child, output, exited };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the worker process did not become ready:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('media worker process', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint, env: { MEDIA_WORKER_LOCK_MS: '3000', MEDIA_WORKER_CONCURRENCY: '2' } });
  });
  afterAll(async () => {
    for (const { child } of processes) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await harness?.dispose();
    await s3server?.dispose();
  });

  const start = async () => {
    const started = await startWorkerProcess(harness.env);
    processes.push(started);
    return started;
  };

  async function uploadBacklog(count: number, firstSeed: number): Promise<Map<string, Buffer>> {
    const photosById = new Map<string, Buffer>();
    for (let index = 0; index < count; index++) {
      const photo = await cameraPhoto(2000, 1500, { seed: firstSeed + index });
      const media = await harness.spoolUpload(photo, 'image/jpeg');
      photosById.set(media.id, photo);
      await harness.enqueueStore(media.id);
    }
    return photosById;
  }

  async function expectAllStored(photosById: Map<string, Buffer>): Promise<void> {
    const rows = await harness.waitForMedia([...photosById.keys()], storedWithPreviews, 90_000);
    for (const media of rows) expect(sha256Of((await harness.readObject(`originals/${media.id}`)).bytes)).toBe(sha256Of(photosById.get(media.id)!));
    expect(await harness.queue.getFailedCount()).toBe(0);
  }

  it('SIGKILL in the middle of a backlog: after a restart every upload ends stored', async () => {
    const photosById = await uploadBacklog(20, 500);
    const first = await start();
    const ids = [...photosById.keys()];
    const deadline = Date.now() + 60_000;
    let storedBeforeKill = 0;
    while (storedBeforeKill < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      storedBeforeKill = (await Promise.all(ids.map(harness.findMedia))).filter((media) => media.status === 'stored').length;
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const afterKill = await Promise.all(ids.map(harness.findMedia));
    expect(storedBeforeKill).toBeGreaterThanOrEqual(3);
    expect(afterKill.filter(storedWithPreviews).length, 'the kill came before the backlog was done').toBeLessThan(20);

    const second = await start();
    await expectAllStored(photosById);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 150_000);

  it('SIGTERM while jobs run: the running jobs finish, the process exits 0, the rest wait for the next worker', async () => {
    const photosById = await uploadBacklog(8, 600);
    const worker = await start();
    const deadline = Date.now() + 30_000;
    while ((await harness.queue.getActiveCount()) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    // Nothing is left locked by the process that went away: every job is done or waiting.
    expect(await harness.queue.getActiveCount()).toBe(0);
    expect(await harness.queue.getFailedCount()).toBe(0);
    expect(worker.output.join('')).toMatch(/media worker closing[\s\S]*media worker closed/);

    const next = await start();
    await expectAllStored(photosById);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  }, 150_000);
});
