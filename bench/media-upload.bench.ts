/**
 * Honest upload baselines, each a ratio measured in the same run (alternating rounds, medians):
 * - durable accept: 16 clients POST photos through HAProxy → gateway → media API (spool, fsync,
 *   row, job) until the 202, against a bare fastify server that pipes the same bodies to a file and
 *   fsyncs it (bare-spool-server.ts), same client, same concurrency; throughput and p50;
 * - stored: the worker's whole store of those uploads (original to the primary and the mirror, each
 *   verified, two previews, each stored and verified, rows) from the queue's resume until every row
 *   has its previews, against the same files by hand in this process (media-upload-phases.ts);
 * - CPU per uploaded MiB across our processes (HAProxy, gateway, media API, worker) against the
 *   bare server plus this process doing the store by hand. The S3 servers, MariaDB and Redis are
 *   not ours and are left out of both sides.
 * The queue is paused while clients upload, so accept and store are each measured alone. Each case
 * first runs one unmeasured round on every side (accept and store, ours and the baselines): our
 * processes run far more code than the bare server, and V8 compiles it on its own threads, whose
 * CPU counts, during the first uploads; without it the first measured round of 1 MB (of 64
 * uploads, about 2 s) measured that start instead of a running service.
 * With BENCH_CPU_PROF_DIR set, the gateway, media API and worker write CPU profiles there.
 * MEDIA_UPLOAD_BENCH_PHASES=accept runs the durable accept alone (about a third of the time): its
 * rows and each process's CPU per MiB while accepting, no stored or total CPU rows.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { startHaproxy, localBalancerChecks } from '../tools/lb/haproxy.ts';
import { portAnswers, waitUntil } from '../tools/stack/processes.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { benchPhases, median, row, type Benchmark, type BenchRow } from './harness.ts';
import { benchPort } from './isolation.ts';
import { photosOfSize, signUpClients, startUploadPath } from './media-gateway.ts';
import { postAll, storeByHand, uniqueJpeg } from './media-upload-phases.ts';
import { benchBucket, cpuSince, openBenchLog, openMediaQueue, prepareMediaDatabase, scratchDir, startS3Server, startWorker, waitForRows, type BenchProcess } from './media-setup.ts';

const clients = 16;
const concurrency = Number(process.env['BENCH_MEDIA_CONCURRENCY'] ?? 8);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const mib = 1024 * 1024;
const PHASES = ['accept', 'store'] as const;
// The store phase stores what the accept phase uploaded: it cannot run alone.
const phases = benchPhases('MEDIA_UPLOAD_BENCH_PHASES', PHASES, (chosen) => chosen.includes('accept'), 'accept, or accept,store (the default)');
const storePhase = phases.includes('store');
const cases = [
  { label: '1 MB', mebibytes: 1, perClient: 4 },
  { label: '5 MB', mebibytes: 5, perClient: 2 },
] as const;

async function startBareSpoolServer(directory: string): Promise<BenchProcess & { pid: number; url: string }> {
  // Where a gateway would listen: it stands in for the path behind the balancer.
  const port = await benchPort('gateway');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bench/bare-spool-server.ts'), String(port), directory], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitUntil('the bare spool server', () => portAnswers(port), 15_000);
  return {
    child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}/upload`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [name, ms] of Object.entries(from)) into[name] = (into[name] ?? 0) + ms;
};

export const benchmark: Benchmark = {
  name: 'media-upload',
  description: `upload baselines: durable accept (${clients} clients via HAProxy) vs a bare fsyncing server, the worker's store vs the same by hand (${concurrency} in flight), CPU per MiB; median of ${rounds} rounds`,
  async run() {
    await stackUp(loadStackConfig());
    const { database } = await prepareMediaDatabase();
    const dirs = { s3: scratchDir('bench-upload-s3'), mirror: scratchDir('bench-upload-mirror'), spool: scratchDir('bench-upload-spool'), bare: scratchDir('bench-upload-bare'), files: scratchDir('bench-upload-files') };
    const s3Endpoint = `http://127.0.0.1:${await benchPort('s3')}`;
    const mirrorEndpoint = `http://127.0.0.1:${await benchPort('s3Mirror')}`;
    const started: { stop(): Promise<void> }[] = [];
    const s3client = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const target = { primary: s3client(s3Endpoint), mirror: s3client(mirrorEndpoint), bucket: benchBucket };
    const queue = openMediaQueue();
    try {
      started.push(await startS3Server(Number(new URL(s3Endpoint).port), dirs.s3));
      started.push(await startS3Server(Number(new URL(mirrorEndpoint).port), dirs.mirror));
      await queue.queue.pause();
      const mirrorEnv = { MEDIA_MIRROR_BUCKET: benchBucket, MEDIA_MIRROR_ENDPOINT: mirrorEndpoint };
      const worker = await startWorker({ s3Endpoint, spoolDir: dirs.spool, concurrency, env: mirrorEnv });
      started.push(worker);
      const uploadPath = await startUploadPath({ s3Endpoint, spoolDir: dirs.spool });
      started.push(uploadPath);
      const gatewayPort = Number(new URL(uploadPath.gatewayUrl).port);
      const haproxyLog = openBenchLog('haproxy');
      // Stopped in reverse: the log closes after HAProxy has stopped writing to it.
      started.push({ stop: async () => fs.closeSync(haproxyLog) });
      const balancer = await startHaproxy({ port: await benchPort('lb'), servers: [{ name: 'gateway', port: gatewayPort }], ...localBalancerChecks }, path.join(dirs.files, 'haproxy.cfg'), (line) => fs.writeSync(haproxyLog, `${line}\n`));
      started.push(balancer);
      const bare = await startBareSpoolServer(dirs.bare);
      started.push(bare);
      const tokens = await signUpClients(uploadPath.gatewayUrl, clients);
      const pids = Object.fromEntries([['HAProxy', balancer.process.pid!], ...uploadPath.processes.map(({ name, pid }) => [name, pid] as const), ['worker', worker.pid]]);

      const rows: BenchRow[] = [];
      for (const { label, mebibytes, perClient } of cases) {
        const photos = await photosOfSize(perClient, mebibytes);
        const bodies = (side: string, round: number | 'warm-up') => tokens.map((_, client) => photos.map((photo, index) => uniqueJpeg(photo, `${side}-${label}-${round}-${client}-${index}-${Date.now()}`)));
        const signedIn = (client: number) => ({ authorization: `Bearer ${tokens[client]}` });
        const writeFiles = (round: number | 'warm-up', bodiesToWrite: Buffer[][]) =>
          bodiesToWrite.flat().map((body, index) => {
            const file = path.join(dirs.files, `${label.replace(' ', '')}-${round}-${index}`);
            fs.writeFileSync(file, body);
            return file;
          });

        // The unmeasured round (the header says why).
        await postAll(bare.url, bodies('bare', 'warm-up'), () => ({}));
        const warmUpBodies = bodies('pipeline', 'warm-up');
        const warmUp = await postAll(`${balancer.url}/v1/media`, warmUpBodies, signedIn);
        if (storePhase) {
          await queue.queue.resume();
          await waitForRows(database, warmUp.ids, { status: 'stored', variants: 'ready' }, performance.now());
          await queue.queue.pause();
          const files = writeFiles('warm-up', warmUpBodies);
          await storeByHand(target, files, concurrency, 'by-hand/warm-up');
          for (const file of files) fs.rmSync(file);
        }
        const accepted: { pipeline: number[]; bare: number[]; pipelineP50: number[]; bareP50: number[] } = { pipeline: [], bare: [], pipelineP50: [], bareP50: [] };
        const stored: { worker: number[]; byHand: number[] } = { worker: [], byHand: [] };
        const ourCpu: Record<string, number> = {};
        const rawCpu: Record<string, number> = {};
        let megabytes = 0;
        for (let round = 0; round < rounds; round++) {
          const bareBodies = bodies('bare', round);
          const pipelineBodies = bodies('pipeline', round);
          const roundMiB = pipelineBodies.flat().reduce((sum, body) => sum + body.length, 0) / mib;
          megabytes += roundMiB;

          const acceptBare = async () => {
            const cpu = cpuSince({ bare: bare.pid });
            const run = await postAll(bare.url, bareBodies, () => ({}));
            add(rawCpu, cpu());
            accepted.bare.push(run.uploadsPerSecond);
            accepted.bareP50.push(run.p50Ms);
          };
          let ids: string[] = [];
          const acceptPipeline = async () => {
            const cpu = cpuSince(pids);
            const run = await postAll(`${balancer.url}/v1/media`, pipelineBodies, signedIn);
            add(ourCpu, cpu());
            accepted.pipeline.push(run.uploadsPerSecond);
            accepted.pipelineP50.push(run.p50Ms);
            ids = run.ids;
          };
          // Alternate which side goes first, so that a slow spell of the shared machine hits both.
          if (round % 2 === 0) await acceptBare().then(acceptPipeline);
          else await acceptPipeline().then(acceptBare);
          if (!storePhase) continue;

          const storeCpu = cpuSince(pids);
          const resumedAt = performance.now();
          await queue.queue.resume();
          const storedMs = await waitForRows(database, ids, { status: 'stored', variants: 'ready' }, resumedAt);
          add(ourCpu, storeCpu());
          await queue.queue.pause();
          stored.worker.push(ids.length / (storedMs / 1000));

          const files = writeFiles(round, pipelineBodies);
          const handCpu = cpuSince({ 'store by hand': 'self' });
          stored.byHand.push(await storeByHand(target, files, concurrency, `by-hand/${round}`));
          add(rawCpu, handCpu());
          for (const file of files) fs.rmSync(file);
        }
        const perMiB = (cpu: Record<string, number>) => Object.values(cpu).reduce((sum, ms) => sum + ms, 0) / megabytes;
        rows.push(
          row(`durable accept via HAProxy, ${label}`, median(accepted.pipeline), 'uploads/s', median(accepted.bare), `baseline: bare fastify piping to a file + fsync, direct; ${clients} clients; goal >= 0.8x`),
          row(`  accept p50, ${label}`, median(accepted.pipelineP50), 'ms', median(accepted.bareP50), 'baseline: the bare server; goal <= 1.25x'),
        );
        if (storePhase) {
          rows.push(
            row(`stored (both stores verified, previews), ${label}`, median(stored.worker), 'uploads/s', median(stored.byHand), `baseline: 2 PutObject + HeadObject + the 2 previews by hand, ${concurrency} in flight; goal >= 0.8x`),
            row(`CPU per MiB uploaded, our processes, ${label}`, perMiB(ourCpu), 'ms', perMiB(rawCpu), 'baseline: the bare server + the store by hand; goal <= 1.5x'),
          );
        }
        for (const [name, ms] of Object.entries(ourCpu)) rows.push(row(`  CPU per MiB, ${name}, ${label}`, ms / megabytes, 'ms', null));
        for (const [name, ms] of Object.entries(rawCpu)) rows.push(row(`  CPU per MiB, baseline ${name}, ${label}`, ms / megabytes, 'ms', null));
      }
      return rows;
    } finally {
      for (const running of started.reverse()) await running.stop();
      await queue.close();
      target.primary.destroy();
      target.mirror.destroy();
      await database.close();
      for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
