import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedis, readEnv, redisEnv } from '@chucar/platform';
import { MEDIA_QUEUE_NAME, type MediaJob, type MediaJobName } from '@chucar/contracts';
import { silentLogger } from '../testing/worker-harness.ts';
import { createWorkerSupervisor, type WorkerSupervisor } from './worker-supervisor.ts';

/** A supervised BullMQ worker on the shared Redis under its own prefix, recording what it processed. */
function supervisedRecorder() {
  const settings = readEnv(redisEnv);
  const prefix = `mwsup-${randomUUID().slice(0, 8)}`;
  const producer = createRedis(settings, 'producer', silentLogger);
  const queue = new Queue<MediaJob['data'], string, MediaJobName>(MEDIA_QUEUE_NAME, { connection: producer, prefix });
  const processed: string[] = [];
  const reasons: string[] = [];
  const connections: Redis[] = [];
  let releaseHungJobs: () => void = () => undefined;
  const hung = new Promise<void>((resolve) => (releaseHungJobs = resolve));
  const supervisor = createWorkerSupervisor({
    log: silentLogger,
    checkEveryMs: 200,
    reconnectGraceMs: 1000,
    idleWithWorkMs: 1500,
    create: () => {
      const connection = createRedis(settings, 'worker', silentLogger);
      connections.push(connection);
      const worker = new Worker<MediaJob['data'], string, MediaJobName>(
        MEDIA_QUEUE_NAME,
        async (job) => {
          if (job.id === 'hang') await hung;
          processed.push(job.id!);
          return 'done';
        },
        { connection, prefix, autorun: false, runRetryDelay: 200 },
      );
      return { worker, connection };
    },
    redisAnswers: () => producer.ping().then(() => true, () => false),
    workIsWaiting: async () => (await queue.getWaitingCount()) > 0,
    onRecreate: (reason) => void reasons.push(reason),
  });
  const add = (id: string) => queue.add('reconcile', {}, { jobId: id, removeOnComplete: true });
  const waitFor = async (id: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!processed.includes(id)) {
      if (Date.now() > deadline) throw new Error(`${id} not processed within ${timeoutMs} ms (restarts: ${supervisor.restarts})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const dispose = async () => {
    releaseHungJobs();
    await supervisor.close(2000);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    for (const connection of connections) connection.disconnect();
  };
  return { supervisor, reasons, add, waitFor, dispose };
}

describe('media worker watchdog (real BullMQ worker and Redis)', () => {
  let recorder: ReturnType<typeof supervisedRecorder> | undefined;
  afterEach(() => recorder?.dispose());

  const running = (supervisor: WorkerSupervisor) => {
    const current = supervisor.current;
    if (!current) throw new Error('no worker running');
    return current;
  };

  it('recreates a worker that stopped running although nobody closed it', async () => {
    recorder = supervisedRecorder();
    recorder.supervisor.start();
    await recorder.add('before');
    await recorder.waitFor('before');
    const stopped = running(recorder.supervisor).worker;
    await stopped.close();
    await recorder.add('after');
    await recorder.waitFor('after');
    expect(recorder.reasons).toEqual(['worker-stopped']);
    expect(running(recorder.supervisor).worker).not.toBe(stopped);
  });

  it('recreates a worker that runs but takes no waiting job', async () => {
    recorder = supervisedRecorder();
    recorder.supervisor.start();
    // A job that never ends fills the only slot: the worker runs, jobs wait, none is taken,
    // as with a worker stuck on a dead blocking connection.
    await recorder.add('hang');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stuck = running(recorder.supervisor).worker;
    expect(stuck.isRunning()).toBe(true);
    await recorder.add('waiting');
    await recorder.waitFor('waiting', 10_000);
    expect(recorder.reasons).toEqual(['idle-with-waiting-jobs']);
    expect(running(recorder.supervisor).worker).not.toBe(stuck);
  });

  it('recreates the worker and its connection when no ready follows a disconnect while Redis answers', async () => {
    recorder = supervisedRecorder();
    recorder.supervisor.start();
    await recorder.add('before');
    await recorder.waitFor('before');
    const { connection } = running(recorder.supervisor);
    connection.disconnect(false);
    await recorder.add('after');
    await recorder.waitFor('after', 10_000);
    expect(recorder.reasons[0]).toBe('no-ready-after-disconnect');
    expect(running(recorder.supervisor).connection).not.toBe(connection);
  });
});
