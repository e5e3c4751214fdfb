import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { ConfigError } from '@chucar/platform';
import { ValidationError } from '@chucar/domain';
import { loadReporterConfig } from '../config.ts';
import { ReportRefusal } from '../guard/refusal.ts';
import { renderReport } from '../render/render.ts';
import { openReplica, runnerSettings } from '../reporter-database.ts';
import { ReportRunner } from '../reports/report-runner.ts';
import { UsageError, helpText, parseCliArgs } from './cli-args.ts';

export type CliIo = { stdout: Writable; stderr: Writable & { isTTY?: boolean }; env: Record<string, string | undefined>; log?: Logger };

/** Writes every chunk, waiting for drain; a write error (a closed pipe) ends it with that error. */
async function writeAll(target: Writable, chunks: AsyncIterable<string>): Promise<void> {
  let failure: Error | null = null;
  const onError = (error: Error) => (failure ??= error);
  target.on('error', onError);
  try {
    for await (const chunk of chunks) {
      if (failure) throw failure;
      if (!target.write(chunk)) {
        if (failure) throw failure;
        await once(target, 'drain'); // rejects if the target fails meanwhile
      }
    }
    if (failure) throw failure;
  } finally {
    target.off('error', onError);
  }
}

/** The reader of stdout went away (`| head`): it took what it wanted, which is not the report failing. */
function isClosedPipe(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'EPIPE';
}

/**
 * Rows are written as they are computed, so a run that fails halfway must not leave half a report
 * under the name asked for: a file is written beside it and renamed at the end. A device or a pipe
 * (/dev/null, a FIFO) is written in place: renaming over it would replace it.
 */
async function fileToWrite(out: string): Promise<string> {
  const existing = await stat(out).catch(() => null);
  return existing !== null && !existing.isFile() ? out : `${out}.partial`;
}

/** Progress on stderr once a run has taken more than a second: elapsed time and rows read. */
function progressReporter(report: string, stderr: CliIo['stderr']) {
  const startedMs = performance.now();
  let rowsRead = 0;
  let shown = false;
  const show = () => {
    const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
    stderr.write(`${stderr.isTTY ? '\r' : ''}${report}: ${seconds} s, ${rowsRead.toLocaleString('en-US')} rows read${stderr.isTTY ? '' : '\n'}`);
    shown = true;
  };
  const timer = setInterval(show, 1000);
  timer.unref();
  return {
    onProgress: (rows: number) => {
      rowsRead = rows;
    },
    stop: () => {
      clearInterval(timer);
      if (shown && stderr.isTTY) stderr.write('\n');
    },
  };
}

/**
 * `npm run report -- …`: returns the exit code. 2 for a bad command line or bad dates (nothing
 * touched), 1 when the replica checks refuse or the run fails, 0 when the report was written.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const fail = (code: number, message: string) => {
    io.stderr.write(`report: ${message.split('\n')[0]}\n`);
    return code;
  };
  let request;
  try {
    request = parseCliArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(2, `${error.message} (--help for usage)`);
    throw error;
  }
  if (request.kind === 'help') {
    io.stdout.write(helpText(request.report));
    return 0;
  }
  let config;
  try {
    config = loadReporterConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(1, error.problems.join('; '));
    throw error;
  }
  // The output is opened before the replica is asked anything: a path that cannot be written is
  // the caller's mistake, told at once, not after minutes of replica time.
  let output: { handle: FileHandle; partialFile: string | null } | null = null;
  if (request.out !== undefined) {
    const writeTo = await fileToWrite(request.out);
    try {
      output = { handle: await open(writeTo, 'w'), partialFile: writeTo === request.out ? null : writeTo };
    } catch (error) {
      return fail(2, `cannot write --out ${request.out}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const log = io.log ?? pino({ level: 'warn', base: { service: 'replica-reporter-cli' } }, pino.destination({ dest: 2, sync: true }));
  const database = openReplica(config);
  const progress = progressReporter(request.report, io.stderr);
  try {
    const runner = new ReportRunner(database, runnerSettings(config), log);
    const result = await runner.run(request.report, request.input, { maxLagS: request.maxLagS, onProgress: progress.onProgress });
    for (const warning of result.header.warnings) io.stderr.write(`report: warning: ${warning}\n`);
    try {
      const chunks = renderReport(result, request.format, { bom: request.bom });
      if (output === null) {
        await writeAll(io.stdout, chunks);
      } else {
        const file = output.handle.createWriteStream();
        try {
          await writeAll(file, chunks);
        } catch (error) {
          file.destroy();
          throw error;
        }
        file.end();
        await once(file, 'close');
        if (output.partialFile !== null) await rename(output.partialFile, request.out!);
        output = null;
      }
    } catch (error) {
      if (request.out !== undefined || !isClosedPipe(error)) throw error;
    } finally {
      // The query must have stopped before the pool closes below.
      await result.rows.close();
    }
    progress.stop();
    if (request.out !== undefined) {
      io.stderr.write(`report: wrote ${request.out} (${result.rows.count} rows; data as of ${result.header.dataAsOf}, replica lag ${result.header.replicaLagSeconds} s)\n`);
    }
    return 0;
  } catch (error) {
    progress.stop();
    if (output !== null) {
      await output.handle.close().catch(() => undefined);
      if (output.partialFile !== null) await rm(output.partialFile, { force: true });
    }
    if (error instanceof ValidationError) return fail(2, `${error.message} (--help for usage)`);
    if (error instanceof ReportRefusal) return fail(1, error.message);
    return fail(1, `the report failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await database.close();
  }
}
