/**
 * `npm run media:orphans -- --report | --sweep | --restore <key> --store <name>`: the orphan sweep
 * on demand, over every configured store (or those named). Prints a summary per store and a sample
 * of the orphans (`--json`: the whole report). Exit: 0 done, 1 a sweep refused or errors, 2 bad
 * usage, 3 a store did not answer (checked before anything is listed or moved).
 */
import { createKyselyMediaOperationsRepository, type Database as Schema } from '@chucar/domain';
import { openWritableDatabase } from '@chucar/platform';
import { pino } from 'pino';
import { loadMediaConfig } from '../config.ts';
import { ORPHANS_USAGE, UsageError, parseOrphansArgs } from './cli-args.ts';
import { restoreTombstone, sweepOrphans, type OrphanSweepReport } from '../integrity/orphan-sweep.ts';
import { createMediaStores } from '../storage/media-stores.ts';
import { StoreUnreachableError, assertStoresReachable, storeProbeTimeoutMs } from '../storage/store-reachability.ts';
import { namedStoresOf } from '../storage/store-list.ts';

const hourMs = 60 * 60 * 1000;

export async function runOrphansCli(argv: readonly string[], env: Record<string, string | undefined> = process.env, out: (line: string) => void = console.log, now: () => Date = () => new Date()): Promise<number> {
  const args = parseOrphansArgs(argv);
  if (args.help) {
    out(ORPHANS_USAGE);
    return 0;
  }
  const config = loadMediaConfig(env);
  const log = pino({ level: 'warn' }, pino.destination(2));
  // No SDK logger: its lines would repeat on stderr, as JSON, what this command says in one line.
  const mediaStores = createMediaStores(config);
  const allStores = namedStoresOf(mediaStores, config.S3_TIMEOUT_MS);
  try {
    const known = allStores.map((store) => store.name);
    const unknown = args.stores.filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new UsageError(`no store named ${unknown.join(', ')} (configured: ${known.join(', ')})`);
    const stores = args.stores.length === 0 ? allStores : allStores.filter((store) => args.stores.includes(store.name));
    // A store that does not answer is named before anything is listed or moved, not halfway through.
    await assertStoresReachable(mediaStores.all.filter((store) => args.stores.length === 0 || args.stores.includes(store.name)), storeProbeTimeoutMs(config));

    if (args.action.kind === 'restore') {
      const restored = await restoreTombstone(stores[0]!, args.action.key);
      out(`restored ${args.action.key} to ${restored} in ${stores[0]!.name}`);
      return 0;
    }
    const writable = openWritableDatabase<Schema>(config, { poolSize: 2 });
    const database = writable.database;
    try {
      const operations = createKyselyMediaOperationsRepository(database.db);
      const report = await sweepOrphans({
        stores,
        existingIds: (ids) => operations.existingIds(ids),
        mode: args.action.kind,
        now: now(),
        graceMs: (args.graceHours ?? config.MEDIA_ORPHAN_GRACE_HOURS) * hourMs,
        tombstoneRetentionMs: (args.retentionDays ?? config.MEDIA_ORPHAN_TOMBSTONE_DAYS) * 24 * hourMs,
        maxSharePercent: args.maxSharePercent ?? config.MEDIA_ORPHAN_MAX_SHARE_PERCENT,
        log,
      });
      if (args.json) out(JSON.stringify(report, null, 2));
      else for (const line of describe(report)) out(line);
      return report.stores.some((store) => store.refused !== null || store.errors.length > 0) ? 1 : 0;
    } finally {
      await writable.close();
    }
  } finally {
    mediaStores.destroy();
  }
}

function describe(report: OrphanSweepReport): string[] {
  const lines = [`orphan ${report.mode} at ${report.at} (grace ${report.graceHours} h, tombstones kept ${report.tombstoneRetentionDays} d), ${report.tookMs} ms`];
  for (const store of report.stores) {
    lines.push(
      `${store.store}: ${store.mediaObjects} media objects, ${store.withRow} with a row, ${store.orphans} orphans (${store.orphanBytes} bytes) past the grace period, ${store.orphansInGrace} inside it, ${store.foreignObjects} other keys left alone; ${store.tombstones} tombstones (${store.tombstonesDue} due)`,
    );
    if (report.mode === 'sweep') lines.push(`${store.store}: tombstoned ${store.tombstoned}, purged ${store.purged}${store.refused ? `; REFUSED: ${store.refused}` : ''}`);
    for (const orphan of store.sample) lines.push(`  orphan ${store.store} ${orphan.key} ${orphan.sizeBytes} bytes, last modified ${orphan.lastModified}`);
    if (store.orphans > store.sample.length) lines.push(`  … and ${store.orphans - store.sample.length} more (--json for the sample, the counts are complete)`);
    for (const error of store.errors) lines.push(`  error ${store.store} ${error}`);
  }
  return lines;
}

if (import.meta.main) {
  runOrphansCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      console.error(`media:orphans: ${message}${error instanceof UsageError ? ' (--help for usage)' : ''}`);
      process.exit(error instanceof UsageError ? 2 : error instanceof StoreUnreachableError ? 3 : 1);
    },
  );
}
