/**
 * The orphan sweep against two s3rver processes of its own (primary and mirror) and the test
 * database, with a test clock: nothing is touched inside the grace period; past it orphans move to
 * tombstones (same bytes), then are purged only after the retention window. Objects whose media
 * has a row, in any status, and keys outside the media layout are never touched.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localS3Credentials } from '@chucar/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKyselyMediaOperationsRepository, createRepositories, type Media } from '@chucar/domain';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, sha256Of, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { listObjectPages, type NamedStore } from '../storage/named-stores.ts';
import { restoreTombstone, sweepOrphans, type OrphanMode } from './orphan-sweep.ts';

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

describe('orphan sweep (own s3rver primary and mirror, test database, test clock)', () => {
  let primaryServer: OwnServer & { endpoint: string };
  let mirrorServer: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let primary: NamedStore;
  let mirror: NamedStore;
  const live: Record<string, Buffer> = {};

  const put = async (store: NamedStore, key: string, bytes: Buffer) => {
    await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: bytes, Metadata: { sha256: sha256Of(bytes) } }));
  };
  const keysOf = async (store: NamedStore) => {
    const keys: string[] = [];
    for (const prefix of ['originals/', 'variants/', 'tombstones/', 'exports/']) {
      for await (const page of listObjectPages(store, prefix)) keys.push(...page.map((object) => object.key));
    }
    return keys.sort();
  };
  const readBytes = async (store: NamedStore, key: string) => {
    const answer = await store.client.send(new GetObjectCommand({ Bucket: store.bucket, Key: key }));
    return Buffer.from(await answer.Body!.transformToByteArray());
  };

  beforeAll(async () => {
    [primaryServer, mirrorServer] = await Promise.all([ownS3Server(testBucket), ownS3Server(testBucket)]);
    harness = await createWorkerHarness({ s3Endpoint: primaryServer.endpoint });
    primary = { name: 'primary', client: harness.s3, bucket: testBucket, timeoutMs: 5000 };
    mirror = {
      name: 'mirror',
      client: new S3Client({ endpoint: mirrorServer.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials }),
      bucket: testBucket,
      timeoutMs: 5000,
    };
    // Media with rows in every status an object can belong to: kept whatever the clock says.
    const repositories = createRepositories(harness.database.db);
    const rowFor = async (seed: string): Promise<Media> => harness.spoolUpload(Buffer.from(`media ${seed} ${randomUUID()}`), 'application/pdf');
    const stored = await rowFor('stored');
    await repositories.media.markStored(stored.id, new Date());
    const spoolOnly = await rowFor('spooled');
    const deleted = await rowFor('deleted');
    await repositories.media.markDeleted(deleted.id, new Date());
    const failed = await rowFor('failed');
    await repositories.media.markFailed(failed.id, 'test', new Date());
    for (const media of [stored, spoolOnly, deleted, failed]) {
      live[`originals/${media.id}`] = Buffer.from(`original of ${media.id}`);
      live[`variants/${media.id}/w320.webp`] = Buffer.from(`preview of ${media.id}`);
    }
    live['exports/report.csv'] = Buffer.from('not media');
    live['originals/not-a-media-id'] = Buffer.from('not a media id');
    for (const [key, bytes] of Object.entries(live)) {
      await put(primary, key, bytes);
      await put(mirror, key, bytes);
    }
  }, 60_000);

  afterAll(async () => {
    mirror?.client.destroy();
    await harness?.dispose();
    await Promise.all([primaryServer?.dispose(), mirrorServer?.dispose()]);
  });

  const operations = () => createKyselyMediaOperationsRepository(harness.database.db);
  const sweep = (mode: OrphanMode, now: Date, stores: NamedStore[] = [primary, mirror], maxSharePercent = 100) =>
    sweepOrphans({ stores, existingIds: (ids) => operations().existingIds(ids), mode, now, graceMs: 24 * hourMs, tombstoneRetentionMs: 30 * dayMs, maxSharePercent, log: silentLogger });

  async function expectLiveUntouched() {
    for (const store of [primary, mirror]) {
      for (const [key, bytes] of Object.entries(live)) expect(sha256Of(await readBytes(store, key)), `${store.name} ${key}`).toBe(sha256Of(bytes));
    }
  }

  it('reports, tombstones past the grace period, purges past the retention, and never touches objects with rows', async () => {
    const orphanId = randomUUID();
    const orphanVariantsId = randomUUID();
    const orphans = {
      [`originals/${orphanId}`]: Buffer.from('an original whose row never existed'),
      [`variants/${orphanVariantsId}/w320.webp`]: Buffer.from('small preview, no row'),
      [`variants/${orphanVariantsId}/w1280.webp`]: Buffer.from('large preview, no row'),
    };
    for (const [key, bytes] of Object.entries(orphans)) await put(primary, key, bytes);
    const mirrorOrphan = `originals/${randomUUID()}`;
    await put(mirror, mirrorOrphan, Buffer.from('only the mirror has this one'));
    const t0 = new Date();
    const before = { primary: await keysOf(primary), mirror: await keysOf(mirror) };

    // Inside the grace period: counted, nothing touched, by a report or a sweep.
    const report = await sweep('report', t0);
    expect(report.stores.map(({ store, mediaObjects, withRow, orphans: past, orphansInGrace, foreignObjects }) => ({ store, mediaObjects, withRow, past, orphansInGrace, foreignObjects }))).toEqual([
      { store: 'primary', mediaObjects: 11, withRow: 8, past: 0, orphansInGrace: 3, foreignObjects: 1 },
      { store: 'mirror', mediaObjects: 9, withRow: 8, past: 0, orphansInGrace: 1, foreignObjects: 1 },
    ]);
    const almost = await sweep('sweep', new Date(t0.getTime() + 23 * hourMs));
    expect(almost.stores.map((store) => [store.orphans, store.orphansInGrace, store.tombstoned])).toEqual([
      [0, 3, 0],
      [0, 1, 0],
    ]);
    expect({ primary: await keysOf(primary), mirror: await keysOf(mirror) }).toEqual(before);

    // Past it, a report still changes nothing; a sweep moves each orphan to a tombstone with its bytes.
    const past = new Date(t0.getTime() + 25 * hourMs);
    expect((await sweep('report', past)).stores.map((store) => store.orphans)).toEqual([3, 1]);
    expect({ primary: await keysOf(primary), mirror: await keysOf(mirror) }).toEqual(before);
    const swept = await sweep('sweep', past);
    expect(swept.stores.map((store) => [store.store, store.tombstoned, store.purged, store.errors])).toEqual([
      ['primary', 3, 0, []],
      ['mirror', 1, 0, []],
    ]);
    const stamp = past.toISOString().replace(/[-:.]/g, '');
    for (const [key, bytes] of Object.entries(orphans)) expect(sha256Of(await readBytes(primary, `tombstones/${stamp}/${key}`))).toBe(sha256Of(bytes));
    const primaryKeys = await keysOf(primary);
    for (const key of Object.keys(orphans)) expect(primaryKeys).not.toContain(key);
    expect(await keysOf(mirror)).toContain(`tombstones/${stamp}/${mirrorOrphan}`);
    await expectLiveUntouched();

    // Tombstones stay for the whole retention window, then go.
    const kept = await sweep('sweep', new Date(past.getTime() + 30 * dayMs - 1000));
    expect(kept.stores.map((store) => [store.tombstones, store.purged])).toEqual([
      [3, 0],
      [1, 0],
    ]);
    const purged = await sweep('sweep', new Date(past.getTime() + 30 * dayMs));
    expect(purged.stores.map((store) => [store.tombstones, store.purged, store.tombstoned])).toEqual([
      [3, 3, 0],
      [1, 1, 0],
    ]);
    expect((await keysOf(primary)).filter((key) => key.startsWith('tombstones/'))).toEqual([]);
    expect((await keysOf(mirror)).filter((key) => key.startsWith('tombstones/'))).toEqual([]);
    await expectLiveUntouched();
  }, 60_000);

  it('refuses to move anything when too large a share of a store looks orphaned, and a tombstone can be restored', async () => {
    const orphanKey = `originals/${randomUUID()}`;
    await put(primary, orphanKey, Buffer.from('one orphan among live media'));
    const later = new Date(Date.now() + 25 * hourMs);

    // 1 of 9 media objects is 11 %: above a 10 % brake nothing moves; the report says why.
    const refused = await sweep('sweep', later, [primary], 10);
    expect(refused.stores[0]).toMatchObject({ orphans: 1, tombstoned: 0, refused: expect.stringMatching(/1 of 9 media objects \(11\.1 %\) have no row/) });
    expect(await keysOf(primary)).toContain(orphanKey);

    const moved = await sweep('sweep', later, [primary], 20);
    expect(moved.stores[0]).toMatchObject({ tombstoned: 1, refused: null });
    const tombstoneKey = `tombstones/${later.toISOString().replace(/[-:.]/g, '')}/${orphanKey}`;
    expect(await restoreTombstone(primary, tombstoneKey)).toBe(orphanKey);
    expect((await readBytes(primary, orphanKey)).toString()).toBe('one orphan among live media');
    expect(await keysOf(primary)).not.toContain(tombstoneKey);
    await expect(restoreTombstone(primary, tombstoneKey)).rejects.toThrow(/no tombstone/);
    await expectLiveUntouched();
  }, 60_000);

  it('the command line refuses bad flags and unknown stores with one line and exit 2', () => {
    const cli = new URL('../cli/orphans-cli.ts', import.meta.url).pathname;
    for (const args of [['--sweep', '--grace-hours', 'soon'], ['--report', '--store', 'elsewhere']]) {
      const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...harness.env } });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^media:orphans: /);
      expect(run.stdout).toBe('');
    }
  }, 60_000);
});
