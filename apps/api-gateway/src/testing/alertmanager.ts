/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`) for gateway tests: in the foreground on
 * a free loopback port (never the local stack's 9093), with a receiver that sends nothing, its own
 * temporary storage and no cluster, so every test run starts from no alerts.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { unusedLoopbackPort } from '@chucar/platform/testing';

const BINARY = 'prometheus-alertmanager';
const READY_WITHIN_MS = 20_000;
const OUTPUT_KEPT_CHARS = 20_000;
const CONFIG = ['route:', '  receiver: discard', 'receivers:', '  - name: discard', ''].join('\n');

/** An alert as Prometheus posts it (API v2 "postableAlert"). */
export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
}

export interface RunningAlertmanager {
  url: string;
  postAlerts(alerts: PostedAlert[]): Promise<void>;
  /** Silences the alerts whose `alertname` is `alertName`, for an hour. */
  silence(alertName: string): Promise<void>;
  /** SIGTERM, SIGKILL after 5 s; resolves once it exited and its files are gone. Safe to call twice. */
  stop(): Promise<void>;
}

async function postJson(url: string, body: unknown): Promise<void> {
  const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!answer.ok) throw new Error(`POST ${url} answered ${answer.status}: ${await answer.text()}`);
}

export async function startAlertmanager(): Promise<RunningAlertmanager> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gateway-alertmanager-'));
  const configFile = path.join(dir, 'alertmanager.yml');
  await writeFile(configFile, CONFIG);
  const port = await unusedLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, [`--config.file=${configFile}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let spawnError: Error | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && spawnError === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(kill);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (spawnError) {
      await stop();
      throw new Error(`${BINARY} could not start (${String(spawnError)}); install it with: apt-get install prometheus-alertmanager`);
    }
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${BINARY} exited with ${child.exitCode}:\n${output}`);
    }
    if (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((answer) => answer.ok, () => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${BINARY} was not ready within ${READY_WITHIN_MS} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    postAlerts: (alerts) => postJson(`${url}/api/v2/alerts`, alerts),
    silence: (alertName) =>
      postJson(`${url}/api/v2/silences`, {
        matchers: [{ name: 'alertname', value: alertName, isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'gateway tests',
        comment: 'silenced alerts must not be listed',
      }),
    stop,
  };
}
