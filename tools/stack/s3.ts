import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackConfig } from './config.ts';
import { httpAnswers, ownServerAnswers, portAnswers, readPid, spawnDetached, stopProcess, waitUntil } from './processes.ts';

/** `primary`: the media bucket's server; `mirror`: a second s3rver process with its own port and data, so losing one server's data is a real test. */
export type S3Role = 'primary' | 'mirror';

function s3Paths(config: StackConfig, role: S3Role = 'primary') {
  const home = path.join(config.stateDir, role === 'primary' ? 's3' : 's3-mirror');
  return { home, dataDir: path.join(home, 'data'), pidFile: path.join(home, 's3rver.pid'), logFile: path.join(home, 's3rver.log') };
}

/** Any HTTP answer means the server is up (an unsigned request gets an S3 error document). */
export function s3Answers(port: number): Promise<boolean> {
  return httpAnswers(`http://127.0.0.1:${port}/`);
}

export async function startS3(config: StackConfig): Promise<'started' | 'already running'> {
  const paths = s3Paths(config);
  if (await ownServerAnswers(paths.pidFile, 's3-server', config.S3_PORT, () => s3Answers(config.S3_PORT))) return 'already running';
  if (await portAnswers(config.S3_PORT)) throw new Error(`port ${config.S3_PORT} is taken by another process; set S3_PORT to a free port`);
  fs.mkdirSync(paths.dataDir, { recursive: true });
  const entry = fileURLToPath(new URL('./s3-server.ts', import.meta.url));
  // process.execPath is the project's Node 24, which runs the TypeScript entry directly.
  spawnDetached(process.execPath, [entry, paths.dataDir, String(config.S3_PORT), config.S3_BUCKET, config.S3_MIRROR_BUCKET], paths.logFile, paths.pidFile);
  await waitUntil(`S3 server on port ${config.S3_PORT}`, () => s3Answers(config.S3_PORT), 30_000, paths.logFile);
  return 'started';
}

export async function stopS3(config: StackConfig): Promise<void> {
  await stopProcess(readPid(s3Paths(config).pidFile));
}

/** The mirror server: idempotent like the others, so `stack:up` on a running stack only adds it. */
export async function startS3Mirror(config: StackConfig): Promise<'started' | 'already running'> {
  const paths = s3Paths(config, 'mirror');
  if (await ownServerAnswers(paths.pidFile, 's3-server', config.S3_MIRROR_PORT, () => s3Answers(config.S3_MIRROR_PORT))) return 'already running';
  if (await portAnswers(config.S3_MIRROR_PORT)) throw new Error(`port ${config.S3_MIRROR_PORT} is taken by another process; set S3_MIRROR_PORT to a free port`);
  fs.mkdirSync(paths.dataDir, { recursive: true });
  const entry = fileURLToPath(new URL('./s3-server.ts', import.meta.url));
  spawnDetached(process.execPath, [entry, paths.dataDir, String(config.S3_MIRROR_PORT), config.S3_MIRROR_BUCKET], paths.logFile, paths.pidFile);
  await waitUntil(`mirror S3 server on port ${config.S3_MIRROR_PORT}`, () => s3Answers(config.S3_MIRROR_PORT), 30_000, paths.logFile);
  return 'started';
}

export async function stopS3Mirror(config: StackConfig): Promise<void> {
  await stopProcess(readPid(s3Paths(config, 'mirror').pidFile));
}
