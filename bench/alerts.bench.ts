/**
 * Seconds from a fault to the alert's delivery at npm start's webhook, per fault class, median of
 * three rounds, next to the rule's own `for:` (the baseline: no pipeline can deliver before its rule
 * has waited that long, so the ratio shows what scraping, probing and delivery add). It runs
 * `npm start` on a stack and ports of its own (tools/supervisor/npm-start-harness.ts, every port
 * moved by the benches' offset), so it never shares a port, queue or database with a running stack
 * or with the npm start tests' stack. About 10 minutes: between rounds every
 * alert must have resolved, and a crash loop clears only after a minute up.
 */
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadStackConfig } from '../tools/stack/config.ts';
import { portAnswers } from '../tools/stack/processes.ts';
import { startS3, stopS3 } from '../tools/stack/s3.ts';
import { connectIsolated, isolatedStartEnv, spawnNpmStart, stopIsolatedStack, stopNpmStart, waitForDeliveredAlert } from '../tools/supervisor/npm-start-harness.ts';
import { median, row, type Benchmark, type BenchRow } from './harness.ts';
import { BENCH_NAMES, BENCH_PORT_OFFSET } from './isolation.ts';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rules' `for:` in seconds, as deploy/monitoring/alert-rules.yml has them. */
const faults = [
  { name: 'S3 stopped → MediaStorageUnavailable', alert: 'MediaStorageUnavailable', forSeconds: 60 },
  { name: 'statistics replica SQL thread stopped → StatisticsReplicationStopped', alert: 'StatisticsReplicationStopped', forSeconds: 60 },
  { name: 'gateway cannot start → ServiceCrashLooping', alert: 'ServiceCrashLooping', forSeconds: 0 },
] as const;

export const benchmark: Benchmark = {
  name: 'alerts',
  description: `fault to alert delivered, per fault class, median of ${rounds} rounds, against the rule's for:`,
  async run() {
    // Not the npm start tests' stack (20,000 ports up): a test may run it while the bench runs.
    const env = isolatedStartEnv(path.join(os.tmpdir(), BENCH_NAMES.alerts.stackDir), BENCH_PORT_OFFSET);
    const running = spawnNpmStart(env);
    const { config } = running;
    const stack = loadStackConfig(env);
    const seconds: Record<string, number[]> = Object.fromEntries(faults.map((fault) => [fault.alert, []]));
    try {
      await running.waitForLine(/^\[start\] started$/, 300_000);
      const gatewayPort = config.GATEWAY_PORT + 10;
      for (let round = 0; round < rounds; round += 1) {
        const replica = await connectIsolated(env, 'statistics');
        const blocker = net.createServer((socket) => socket.destroy());
        try {
          const crashAt = Date.now();
          process.kill(running.pidOf('api-gateway-2')!, 'SIGKILL');
          while (await portAnswers(gatewayPort)) await pause(20);
          await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(gatewayPort, '127.0.0.1', resolve));
          const s3At = Date.now();
          await stopS3(stack);
          const sqlAt = Date.now();
          await replica.query('STOP SLAVE SQL_THREAD');
          const since = { MediaStorageUnavailable: s3At, StatisticsReplicationStopped: sqlAt, ServiceCrashLooping: crashAt };
          await Promise.all(
            faults.map(async (fault) => {
              const alert = await waitForDeliveredAlert(config, (delivered) => delivered.alertname === fault.alert && delivered.status === 'firing', since[fault.alert], 180_000);
              seconds[fault.alert]!.push((Date.parse(alert.receivedAt) - since[fault.alert]) / 1000);
            }),
          );
        } finally {
          await startS3(stack);
          await replica.query('START SLAVE SQL_THREAD');
          await replica.end();
          await new Promise((resolve) => blocker.close(resolve));
        }
        // The next round starts from silence: every alert of this one resolved.
        const restoredAt = Date.now();
        await Promise.all(faults.map((fault) => waitForDeliveredAlert(config, (delivered) => delivered.alertname === fault.alert && delivered.status === 'resolved', restoredAt, 240_000)));
      }
    } finally {
      await stopNpmStart(running).catch(() => {});
      await stopIsolatedStack(env);
    }
    return faults.map((fault): BenchRow => {
      const measured = seconds[fault.alert]!;
      return row(fault.name, median(measured), 's', fault.forSeconds === 0 ? null : fault.forSeconds, `rounds: ${measured.map((value) => value.toFixed(1)).join(', ')} s; baseline = the rule's for:`);
    });
  },
};
