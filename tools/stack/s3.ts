import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackConfig } from './config.ts';
import { httpAnswers, isAlive, portAnswers, readPid, spawnDetached, stopProcess, waitUntil } from './processes.ts';

function s3Paths(config: StackConfig) {
  const home = path.join(config.stateDir, 's3');
  return { home, dataDir: path.join(home, 'data'), pidFile: path.join(home, 's3rver.pid'), logFile: path.join(home, 's3rver.log') };
}

/** Any HTTP answer means the server is up (an unsigned request gets an S3 error document). */
export function s3Answers(port: number): Promise<boolean> {
  return httpAnswers(`http://127.0.0.1:${port}/`);
}

export async function startS3(config: StackConfig): Promise<'started' | 'already running'> {
  const paths = s3Paths(config);
  if (isAlive(readPid(paths.pidFile)) && (await s3Answers(config.S3_PORT))) return 'already running';
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
