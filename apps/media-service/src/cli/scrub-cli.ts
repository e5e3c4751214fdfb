/**
 * `npm run media:scrub -- [--pass head|full|both|catch-up|all] [--window H] [--limit N] [--rate MB/s]
 * [--purge] | --list-lost | --incidents STATE`: one scrub now, with the worker's configuration,
 * printing what was checked per store, every incident and how it ended. Error-level log lines (one
 * per incident) go to stderr; stdout is the report. Exit: 0 good or repaired, 1 something lost or
 * left open, 2 bad usage, 3 a store or the database did not answer.
 */
import path from 'node:path';
import type { Database as Schema, IncidentOutcome } from '@chucar/domain';
import { ConfigError, createRedis, openWritableDatabase, type Logger } from '@chucar/platform';
import { pino } from 'pino';
import { loadMediaConfig } from '../config.ts';
import { addMediaJob, createMediaQueue } from '../queue/index.ts';
import { createMediaStores } from '../storage/media-stores.ts';
import { StoreUnreachableError, assertStoresReachable, storeProbeTimeoutMs } from '../storage/store-reachability.ts';
import { integrityDeps } from '../integrity/integrity-setup.ts';
import { noIntegrityMetrics, type CatchUpReport, type CheckPass, type CheckPassReport, type PurgeReport } from '../integrity/integrity-types.ts';
import { createIntegrityWork } from '../integrity/integrity-work.ts';
import { SCRUB_CLI_USAGE, UsageError, parseScrubCli } from './scrub-cli-args.ts';

export const EXIT = { ok: 0, problems: 1, usage: 2, unanswered: 3 } as const;

export interface ScrubCliIo {
  out(line: string): void;
  /** Where the work's log lines go (stderr by default). */
  logger?: Logger;
  now?: () => Date;
}

export async function runScrubCli(argv: readonly string[], env: Record<string, string | undefined> = process.env, io: ScrubCliIo = { out: console.log }): Promise<number> {
  const command = parseScrubCli(argv);
  const { out } = io;
  if (command.kind === 'help') {
    out(SCRUB_CLI_USAGE);
    return EXIT.ok;
  }
  const config = loadMediaConfig(env);
  const logger = io.logger ?? pino({ level: config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn', base: { service: 'media-scrub' } }, pino.destination(2));
  const writable = openWritableDatabase<Schema>(config, { poolSize: 3 });
  const database = writable.database;
  // No SDK logger: its lines would repeat on stderr, as JSON, what this command says in one line.
  const stores = createMediaStores(config);
  // Redis only to queue previews again after a repair; listings do without it.
  const redis = command.kind === 'scrub' ? createRedis(config, 'producer', logger) : null;
  const queue = redis ? createMediaQueue(redis, config.MEDIA_QUEUE_PREFIX) : null;
  queue?.on('error', () => undefined);
  try {
    const deps = integrityDeps({
      config,
      primary: database,
      stores,
      spool: { objectPath: (mediaId) => path.join(path.resolve(config.MEDIA_SPOOL_DIR), 'objects', mediaId) },
      // Without Redis the previews still come back: the reconciler queues pending previews.
      enqueueVariants: async (mediaId) => {
        if (queue) await addMediaJob(queue, 'variants', { mediaId }, config.REDIS_CONNECT_TIMEOUT_MS);
      },
      log: logger,
      metrics: noIntegrityMetrics,
      ...(io.now ? { now: io.now } : {}),
      settings: { fullRunMs: null, ...(command.kind === 'scrub' && command.limit ? { catchUpBatch: command.limit } : {}) },
    });
    if (command.kind === 'list-lost') {
      const lost = await deps.integrity.read.listLost(command.limit);
      for (const media of lost) {
        out(command.json ? JSON.stringify(media) : `lost ${media.mediaId} owner ${media.ownerId} ${media.sizeBytes} bytes sha256 ${media.sha256} since ${media.lostAt?.toISOString() ?? '?'}: ${media.reason ?? ''}`);
      }
      if (lost.length === 0 && !command.json) out('no lost media');
      return lost.length > 0 ? EXIT.problems : EXIT.ok;
    }
    if (command.kind === 'incidents') {
      const incidents = await deps.integrity.read.listIncidents({ ...(command.outcome === 'all' ? {} : { outcome: command.outcome as IncidentOutcome }), limit: command.limit });
      for (const incident of incidents) {
        out(
          command.json
            ? JSON.stringify(incident)
            : `#${incident.id} ${incident.detectedAt.toISOString()} ${incident.store} ${incident.kind} ${incident.objectKey} → ${incident.outcome}${incident.repairedFrom ? ` from ${incident.repairedFrom}` : ''}${incident.detail ? ` (${incident.detail})` : ''}`,
        );
      }
      if (incidents.length === 0 && !command.json) out('no incidents');
      return EXIT.ok;
    }

    // A store that does not answer is named now, before anything runs: a pass would otherwise
    // report it "checked" when it had nothing to check there.
    await assertStoresReachable(stores.all, storeProbeTimeoutMs(config));
    const work = createIntegrityWork(deps);
    const reports: { catchUp?: CatchUpReport; checks: CheckPassReport[]; purge?: PurgeReport } = { checks: [] };
    if (command.pass === 'catch-up' || command.pass === 'all') reports.catchUp = await work.catchUp();
    const checkPasses: CheckPass[] = command.pass === 'head' ? ['head'] : command.pass === 'full' ? ['full'] : command.pass === 'catch-up' ? [] : ['head', 'full'];
    for (const pass of checkPasses) {
      reports.checks.push(
        await work.check(pass, {
          ...(command.windowHours ? { windowMs: command.windowHours * 3_600_000 } : {}),
          ...(command.limit ? { maxObjects: command.limit } : {}),
          ...(command.bytesPerSecond ? { bytesPerSecond: command.bytesPerSecond } : {}),
          runMs: null,
        }),
      );
    }
    if (command.purge) reports.purge = await work.purge();
    if (command.json) out(JSON.stringify(reports));
    else printReports(out, reports);
    return exitCodeOf(reports);
  } finally {
    await queue?.close().catch(() => undefined);
    redis?.disconnect();
    stores.destroy();
    await writable.close();
    logger.flush?.();
  }
}

function exitCodeOf(reports: { catchUp?: CatchUpReport; checks: CheckPassReport[]; purge?: PurgeReport }): number {
  const incidents = reports.checks.flatMap((report) => report.incidents);
  if (incidents.some((incident) => incident.outcome !== 'repaired')) return EXIT.problems;
  const unanswered =
    reports.checks.some((report) => report.stores.some((store) => store.status === 'unavailable')) ||
    (reports.catchUp?.stores.some((store) => store.status === 'unavailable') ?? false) ||
    reports.purge?.status === 'skipped-store-unavailable';
  return unanswered ? EXIT.unanswered : EXIT.ok;
}

function printReports(out: (line: string) => void, reports: { catchUp?: CatchUpReport; checks: CheckPassReport[]; purge?: PurgeReport }): void {
  if (reports.catchUp) {
    for (const store of reports.catchUp.stores) {
      if (store.status === 'not-configured') continue;
      out(`catch-up ${store.store}: ${store.status}; ${store.examined} without a recorded copy, ${store.alreadyThere} already there, ${store.copied} copied, ${store.noSource} with no source, ${store.failed} failed`);
    }
  }
  for (const report of reports.checks) {
    for (const store of report.stores) {
      if (store.status === 'not-configured') {
        out(`${report.pass} pass ${store.store}: not configured`);
        continue;
      }
      out(`${report.pass} pass ${store.store}: ${store.status}; checked ${store.checked} objects, ${store.good} good${store.unanswered ? `, ${store.unanswered} unanswered` : ''}`);
    }
    if (report.pass === 'full') out(`full pass read ${(report.bytesRead / 1024 / 1024).toFixed(1)} MiB in ${(report.durationMs / 1000).toFixed(1)} s`);
    for (const incident of report.incidents) {
      out(`  incident #${incident.incidentId} ${incident.store} ${incident.kind} ${incident.objectKey}: ${incident.outcome}${incident.repairedFrom ? ` from ${incident.repairedFrom}` : ''} (${incident.detail})`);
    }
  }
  const incidents = reports.checks.flatMap((report) => report.incidents);
  const summary = { found: incidents.length, repaired: incidents.filter((incident) => incident.outcome === 'repaired').length, unrepairable: incidents.filter((incident) => incident.outcome === 'unrepairable').length, open: incidents.filter((incident) => incident.outcome === 'open').length };
  if (reports.checks.length > 0) out(`found ${summary.found}, repaired ${summary.repaired}, unrepairable (lost) ${summary.unrepairable}, left open ${summary.open}`);
  if (reports.purge) out(`purge: ${reports.purge.status}; ${reports.purge.purgedMedia} deleted media purged, ${reports.purge.deletedObjects} objects deleted, ${reports.purge.failedDeletes} deletes failed`);
}

/** What the operator can do about it, when the primary answered and only the mirror did not. */
function unreachableHint(error: StoreUnreachableError): string {
  return error.stores.includes('primary') ? '; nothing was checked' : '; nothing was checked (MEDIA_MIRROR_BUCKET= checks the primary alone)';
}

if (import.meta.main) {
  runScrubCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      console.error(`media:scrub: ${message}${error instanceof StoreUnreachableError ? unreachableHint(error) : ''}`);
      process.exit(error instanceof UsageError || error instanceof ConfigError ? EXIT.usage : EXIT.unanswered);
    },
  );
}
