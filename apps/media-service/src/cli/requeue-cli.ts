/**
 * `npm run media:requeue -- --id <uuid> | --all-failed | --list`: failed media back to work.
 * Every id is checked before anything changes (an unknown one: exit 2, nothing done). Prints one
 * line per media: what was requeued and the reason it had failed, or why it was skipped.
 */
import { createKyselyMediaOperationsRepository, createRepositories, type Database as Schema } from '@chucar/domain';
import { createRedis, openWritableDatabase } from '@chucar/platform';
import { pino } from 'pino';
import { loadMediaConfig } from '../config.ts';
import { createMediaQueue, withRedisTimeout } from '../queue/index.ts';
import { REQUEUE_USAGE, UsageError, parseRequeueArgs } from './cli-args.ts';
import { requeueAllFailed, requeueMedia, type RequeueDeps, type RequeueOutcome } from './requeue.ts';

export async function runRequeueCli(argv: readonly string[], env: Record<string, string | undefined> = process.env, out: (line: string) => void = console.log): Promise<number> {
  const args = parseRequeueArgs(argv);
  if (args.help) {
    out(REQUEUE_USAGE);
    return 0;
  }
  const config = loadMediaConfig(env);
  const writable = openWritableDatabase<Schema>(config, { poolSize: 2 });
  const database = writable.database;
  // Warnings go to stderr; stdout is the tool's answer.
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const redis = createRedis(config, 'producer', logger);
  const queue = createMediaQueue(redis, config.MEDIA_QUEUE_PREFIX);
  queue.on('error', () => undefined);
  try {
    const media = createRepositories(database.db).media;
    const operations = createKyselyMediaOperationsRepository(database.db);
    if (args.target === 'list') {
      const ids = await operations.listFailedIds(10_000);
      for (const id of ids) {
        const row = await media.findById(id);
        if (!row) continue;
        const job = row.status === 'failed' ? 'store' : 'variants';
        out(args.json ? JSON.stringify({ mediaId: id, job, reason: row.failureReason, updatedAt: row.updatedAt }) : `failed ${id} ${job}: ${row.failureReason ?? '(no reason recorded)'}`);
      }
      if (ids.length === 0 && !args.json) out('nothing failed');
      return 0;
    }
    if (typeof args.target === 'object') {
      const unknown = [];
      for (const id of args.target.ids) if (!(await media.findById(id))) unknown.push(id);
      if (unknown.length > 0) throw new UsageError(`no media ${unknown.join(', ')}; nothing was requeued`);
    }
    await withRedisTimeout(queue.waitUntilReady(), config.REDIS_CONNECT_TIMEOUT_MS, 'connecting');
    const deps: RequeueDeps = { media, operations, queue, now: () => new Date(), timeoutMs: config.REDIS_CONNECT_TIMEOUT_MS };
    const outcomes: RequeueOutcome[] = [];
    if (args.target === 'all-failed') outcomes.push(...(await requeueAllFailed(deps)));
    else for (const id of args.target.ids) outcomes.push(await requeueMedia(deps, id));
    for (const outcome of outcomes) out(args.json ? JSON.stringify(outcome) : describe(outcome));
    if (outcomes.length === 0 && !args.json) out('nothing failed; nothing requeued');
    else if (args.target === 'all-failed' && !args.json) {
      const requeued = outcomes.filter((outcome) => outcome.outcome === 'requeued').length;
      out(`${requeued} requeued, ${outcomes.length - requeued} skipped`);
    }
    return outcomes.some((outcome) => outcome.outcome === 'skipped') && args.target !== 'all-failed' ? 1 : 0;
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await writable.close();
  }
}

function describe(outcome: RequeueOutcome): string {
  if (outcome.outcome === 'skipped') return `skipped ${outcome.mediaId}: ${outcome.reason}`;
  const stale = outcome.removedStaleJob ? '; removed a stale failed job first' : '';
  return `requeued ${outcome.mediaId} ${outcome.job} (had failed: ${outcome.previousReason ?? 'no reason recorded'})${stale}`;
}


if (import.meta.main) {
  runRequeueCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      console.error(`media:requeue: ${message}${error instanceof UsageError ? ' (--help for usage)' : ''}`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
