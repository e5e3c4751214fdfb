/**
 * Orphans: objects under the media layout (`originals/<id>`, `variants/<id>/…`) whose media id has
 * no row at all. Rows are never deleted (deleted and purged media keep theirs), so an object whose
 * id has a row, in whatever status, is never an orphan here. The sweep
 * - reports first: `report` changes nothing;
 * - never touches an object younger than the grace period, nor any key outside the layout;
 * - moves an orphan to `tombstones/<when>/<key>` by copy, verify (size, SHA-256 metadata, ETag of
 *   a single-part object), re-check that no row appeared, and only then deletes the original;
 * - purges tombstones older than the retention window, never anything at once;
 * - refuses to move anything in a store where orphans are more than `maxSharePercent` of the
 *   media objects: that is a wrong database or bucket, not leftovers (one peer's sweep deleted
 *   hundreds of GB of live media).
 */
import { isMediaId } from '@chucar/domain';
import type { Logger } from '@chucar/platform';
import { copyObject, deleteObject, headObject, listObjectPages, type ListedObject, type NamedStore } from '../storage/named-stores.ts';

export const TOMBSTONE_PREFIX = 'tombstones/';
const MEDIA_PREFIXES = ['originals/', 'variants/'] as const;

export type OrphanMode = 'report' | 'sweep';

export interface OrphanSweepOptions {
  stores: readonly NamedStore[];
  /** Which of these media ids have a row (any status). */
  existingIds(ids: readonly string[]): Promise<Set<string>>;
  mode: OrphanMode;
  now: Date;
  graceMs: number;
  tombstoneRetentionMs: number;
  maxSharePercent: number;
  log: Logger;
  /** Orphan keys kept in the report per store (the counts are always complete). */
  sampleSize?: number;
}

export interface OrphanObject {
  key: string;
  sizeBytes: number;
  lastModified: string;
}

export interface StoreOrphanReport {
  store: string;
  /** Media objects examined (under originals/ and variants/). */
  mediaObjects: number;
  /** Of those, objects whose media has a row. */
  withRow: number;
  /** Objects without a row but younger than the grace period: left alone. */
  orphansInGrace: number;
  /** Objects without a row, past the grace period. */
  orphans: number;
  orphanBytes: number;
  sample: OrphanObject[];
  /** Keys outside the media layout and the tombstones: never touched. */
  foreignObjects: number;
  tombstoned: number;
  tombstones: number;
  tombstonesDue: number;
  purged: number;
  /** Why nothing was moved in this store, when the brake held. */
  refused: string | null;
  /** Moves that did not complete (left as they were), with the reason. */
  errors: string[];
}

export interface OrphanSweepReport {
  mode: OrphanMode;
  at: string;
  graceHours: number;
  tombstoneRetentionDays: number;
  stores: StoreOrphanReport[];
  /** Wall time of the whole run. */
  tookMs: number;
}

type MediaKeyKind = { kind: 'media'; mediaId: string } | { kind: 'tombstone'; tombstonedAt: Date } | { kind: 'foreign' };

/** What a key is: a media object (and whose), a tombstone (and since when), or something else. */
export function classifyKey(key: string): MediaKeyKind {
  if (key.startsWith(TOMBSTONE_PREFIX)) {
    const stamp = key.slice(TOMBSTONE_PREFIX.length).split('/', 1)[0] ?? '';
    const at = parseStamp(stamp);
    return at ? { kind: 'tombstone', tombstonedAt: at } : { kind: 'foreign' };
  }
  const original = /^originals\/([^/]+)$/.exec(key);
  if (original && isMediaId(original[1]!)) return { kind: 'media', mediaId: original[1]! };
  const variant = /^variants\/([^/]+)\/[^/]+$/.exec(key);
  if (variant && isMediaId(variant[1]!)) return { kind: 'media', mediaId: variant[1]! };
  return { kind: 'foreign' };
}

/** `tombstones/20261126T004500123Z/originals/<id>`: when it was moved is in the key, so purging needs no HEAD. */
export function tombstoneKeyFor(key: string, at: Date): string {
  return `${TOMBSTONE_PREFIX}${at.toISOString().replace(/[-:.]/g, '')}/${key}`;
}

/** The key a tombstone was moved from. */
export function originalKeyOfTombstone(tombstoneKey: string): string | null {
  if (!tombstoneKey.startsWith(TOMBSTONE_PREFIX)) return null;
  const rest = tombstoneKey.slice(TOMBSTONE_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0 || !parseStamp(rest.slice(0, slash))) return null;
  return rest.slice(slash + 1);
}

function parseStamp(stamp: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  if (!match) return null;
  const [, y, mo, d, h, mi, s, ms] = match;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

export async function sweepOrphans(options: OrphanSweepOptions): Promise<OrphanSweepReport> {
  const started = performance.now();
  const stores: StoreOrphanReport[] = [];
  for (const store of options.stores) stores.push(await sweepStore(store, options));
  return {
    tookMs: Math.round(performance.now() - started),
    mode: options.mode,
    at: options.now.toISOString(),
    graceHours: options.graceMs / hourMs,
    tombstoneRetentionDays: options.tombstoneRetentionMs / dayMs,
    stores,
  };
}

async function sweepStore(store: NamedStore, options: OrphanSweepOptions): Promise<StoreOrphanReport> {
  const report: StoreOrphanReport = {
    store: store.name,
    mediaObjects: 0,
    withRow: 0,
    orphansInGrace: 0,
    orphans: 0,
    orphanBytes: 0,
    sample: [],
    foreignObjects: 0,
    tombstoned: 0,
    tombstones: 0,
    tombstonesDue: 0,
    purged: 0,
    refused: null,
    errors: [],
  };
  const sampleSize = options.sampleSize ?? 50;
  const graceCutoff = options.now.getTime() - options.graceMs;
  const candidates: ListedObject[] = [];

  // 1. Report: every media object, looked up a page of ids at a time.
  for (const prefix of MEDIA_PREFIXES) {
    for await (const page of listObjectPages(store, prefix)) {
      const media = page.flatMap((object) => {
        const kind = classifyKey(object.key);
        if (kind.kind === 'media') return [{ object, mediaId: kind.mediaId }];
        report.foreignObjects += 1;
        return [];
      });
      report.mediaObjects += media.length;
      const existing = await options.existingIds([...new Set(media.map((entry) => entry.mediaId))]);
      for (const { object, mediaId } of media) {
        if (existing.has(mediaId)) {
          report.withRow += 1;
        } else if (object.lastModified.getTime() > graceCutoff) {
          report.orphansInGrace += 1;
        } else {
          report.orphans += 1;
          report.orphanBytes += object.sizeBytes;
          if (report.sample.length < sampleSize) report.sample.push({ key: object.key, sizeBytes: object.sizeBytes, lastModified: object.lastModified.toISOString() });
          candidates.push(object);
        }
      }
    }
  }
  const tombstones: { key: string; tombstonedAt: Date }[] = [];
  for await (const page of listObjectPages(store, TOMBSTONE_PREFIX)) {
    for (const object of page) {
      const kind = classifyKey(object.key);
      if (kind.kind !== 'tombstone') {
        report.foreignObjects += 1;
        continue;
      }
      report.tombstones += 1;
      if (options.now.getTime() - kind.tombstonedAt.getTime() >= options.tombstoneRetentionMs) tombstones.push({ key: object.key, tombstonedAt: kind.tombstonedAt });
    }
  }
  report.tombstonesDue = tombstones.length;
  if (options.mode === 'report') return report;

  // 2. Sweep: tombstone the orphans unless the brake holds, then purge the tombstones due.
  const sharePercent = report.mediaObjects === 0 ? 0 : (report.orphans / report.mediaObjects) * 100;
  if (report.orphans > 0 && sharePercent > options.maxSharePercent) {
    report.refused = `${report.orphans} of ${report.mediaObjects} media objects (${sharePercent.toFixed(1)} %) have no row, above the ${options.maxSharePercent} % brake: is this the right database and bucket? Nothing was moved`;
    options.log.error({ store: store.name, orphans: report.orphans, mediaObjects: report.mediaObjects }, `orphan sweep refused in ${store.name}: ${report.refused}`);
  } else {
    for (const object of candidates) {
      try {
        if (await tombstone(store, object, options)) report.tombstoned += 1;
      } catch (error) {
        report.errors.push(`${object.key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  for (const due of tombstones) {
    try {
      await deleteObject(store, due.key);
      report.purged += 1;
    } catch (error) {
      report.errors.push(`${due.key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (report.tombstoned + report.purged + report.errors.length > 0) {
    options.log.warn({ store: store.name, tombstoned: report.tombstoned, purged: report.purged, errors: report.errors.slice(0, 10) }, 'orphan sweep moved objects');
  }
  return report;
}

/** Copy, verify, re-check the row, delete. false when the object changed or gained a row meanwhile. */
async function tombstone(store: NamedStore, object: ListedObject, options: OrphanSweepOptions): Promise<boolean> {
  const kind = classifyKey(object.key);
  if (kind.kind !== 'media') return false;
  const source = await headObject(store, object.key);
  // Gone, or rewritten since the listing (then it is young again): leave it.
  if (!source || source.sizeBytes !== object.sizeBytes || (object.etag !== null && source.etag !== null && source.etag !== object.etag)) return false;
  const target = tombstoneKeyFor(object.key, options.now);
  await copyObject(store, object.key, target);
  const copy = await headObject(store, target);
  const problems: string[] = [];
  if (!copy) problems.push('the copy is absent');
  else {
    if (copy.sizeBytes !== source.sizeBytes) problems.push(`copy size ${copy.sizeBytes} instead of ${source.sizeBytes}`);
    if (source.metadata['sha256'] !== undefined && copy.metadata['sha256'] !== source.metadata['sha256']) problems.push('copy lost the sha256 metadata');
    // A single-part object's ETag is its MD5, and a copy keeps it; a multipart one's copy gets a new ETag.
    if (source.etag !== null && !source.etag.includes('-') && copy.etag !== source.etag) problems.push(`copy ETag ${copy.etag} instead of ${source.etag}`);
  }
  if (problems.length > 0) throw new Error(`not moved, the copy does not match: ${problems.join('; ')}`);
  if ((await options.existingIds([kind.mediaId])).has(kind.mediaId)) {
    // A row appeared after the listing: the original stays, the spare copy goes.
    await deleteObject(store, target);
    return false;
  }
  await deleteObject(store, object.key);
  return true;
}

/** Puts a tombstone back under its original key (unless something is there already), then removes it. */
export async function restoreTombstone(store: NamedStore, tombstoneKey: string): Promise<string> {
  const original = originalKeyOfTombstone(tombstoneKey);
  if (!original) throw new Error(`${tombstoneKey} is not a tombstone key (tombstones/<when>/<key>)`);
  const tombstoneObject = await headObject(store, tombstoneKey);
  if (!tombstoneObject) throw new Error(`no tombstone ${tombstoneKey} in ${store.name}`);
  if (await headObject(store, original)) throw new Error(`${original} exists in ${store.name}; the tombstone was left as it is`);
  await copyObject(store, tombstoneKey, original);
  const copy = await headObject(store, original);
  if (!copy || copy.sizeBytes !== tombstoneObject.sizeBytes) throw new Error(`the copy back to ${original} does not match; the tombstone was kept`);
  await deleteObject(store, tombstoneKey);
  return original;
}
