/**
 * Command lines of the operator tools, parsed strictly: an unknown flag, a missing value or a
 * malformed one is a UsageError (the tool prints one line and exits 2) and nothing is done.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { isMediaId } from '@chucar/domain';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const REQUEUE_USAGE = `npm run media:requeue -- (--id <media id> [--id …] | --all-failed | --list) [--json]

  --id <uuid>     put this failed media (or its failed previews) back in the queue; repeatable
  --all-failed    every failed media and every failed preview
  --list          print the failed media and their reasons; change nothing
  --json          one JSON object per media instead of a text line

Unknown ids or bad flags: one line on stderr, exit 2, nothing changed.
A known id that did not fail is skipped with the reason (exit 1).`;

export const ORPHANS_USAGE = `npm run media:orphans -- (--report | --sweep | --restore <tombstone key>) [options]

  --report                  count the objects with no media row (change nothing)
  --sweep                   move orphans past the grace period to tombstones/<when>/<key>
                            (copy, verify, delete) and purge tombstones past the retention
  --restore <key>           put tombstones/<when>/<key> back under <key> (needs one --store)
  --store <name>            only this store (primary, mirror); repeatable; default all
  --grace-hours <n>         never touch objects younger than this (MEDIA_ORPHAN_GRACE_HOURS)
  --retention-days <n>      purge tombstones older than this (MEDIA_ORPHAN_TOMBSTONE_DAYS)
  --max-share-percent <n>   refuse to move anything in a store where more of its objects
                            look orphaned (MEDIA_ORPHAN_MAX_SHARE_PERCENT)
  --json                    the whole report as JSON

Bad flags or an unknown store: one line on stderr, exit 2, nothing changed.
Exit 1 when a sweep was refused or some move failed.`;

export type RequeueArgs = { help: true } | { help: false; target: { ids: string[] } | 'all-failed' | 'list'; json: boolean };

export function parseRequeueArgs(argv: readonly string[]): RequeueArgs {
  const { values } = strictParse(argv, {
    id: { type: 'string', multiple: true },
    'all-failed': { type: 'boolean' },
    list: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { help: true };
  const ids = (values.id as string[] | undefined) ?? [];
  const chosen = [ids.length > 0, values['all-failed'] === true, values.list === true].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --id, --all-failed or --list');
  for (const id of ids) if (!isMediaId(id)) throw new UsageError(`--id ${JSON.stringify(id)} is not a media id (a lowercase UUID)`);
  const target = ids.length > 0 ? { ids: [...new Set(ids)] } : values['all-failed'] ? ('all-failed' as const) : ('list' as const);
  return { help: false, target, json: values.json === true };
}

export type OrphansArgs =
  | { help: true }
  | {
      help: false;
      action: { kind: 'report' } | { kind: 'sweep' } | { kind: 'restore'; key: string };
      stores: string[];
      graceHours?: number;
      retentionDays?: number;
      maxSharePercent?: number;
      json: boolean;
    };

export function parseOrphansArgs(argv: readonly string[]): OrphansArgs {
  const { values } = strictParse(argv, {
    report: { type: 'boolean' },
    sweep: { type: 'boolean' },
    restore: { type: 'string' },
    store: { type: 'string', multiple: true },
    'grace-hours': { type: 'string' },
    'retention-days': { type: 'string' },
    'max-share-percent': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return { help: true };
  const chosen = [values.report === true, values.sweep === true, values.restore !== undefined].filter(Boolean).length;
  if (chosen !== 1) throw new UsageError('give exactly one of --report, --sweep or --restore <tombstone key>');
  const stores = [...new Set((values.store as string[] | undefined) ?? [])];
  const restore = values.restore as string | undefined;
  if (restore !== undefined && stores.length !== 1) throw new UsageError('--restore needs exactly one --store');
  const action = values.report ? { kind: 'report' as const } : values.sweep ? { kind: 'sweep' as const } : { kind: 'restore' as const, key: restore! };
  return {
    help: false,
    action,
    stores,
    ...optionalNumber('grace-hours', values['grace-hours'] as string | undefined, 1, 'graceHours'),
    ...optionalNumber('retention-days', values['retention-days'] as string | undefined, 1, 'retentionDays'),
    ...optionalNumber('max-share-percent', values['max-share-percent'] as string | undefined, 0, 'maxSharePercent', 100),
    json: values.json === true,
  };
}

function optionalNumber<K extends string>(flag: string, raw: string | undefined, min: number, key: K, max = Number.MAX_SAFE_INTEGER): Partial<Record<K, number>> {
  if (raw === undefined) return {};
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return { [key]: value } as Partial<Record<K, number>>;
}

function strictParse<const T extends ParseArgsOptionsConfig>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true as const, allowPositionals: false as const });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}
