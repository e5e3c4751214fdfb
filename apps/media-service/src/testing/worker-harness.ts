/**
 * What the worker's integration tests share: a media config pointed at the test's own servers,
 * spool and queue prefix, the test database with an owner account, uploads made the way intake
 * makes them (spool file first, then the row) without the API, and a plain S3 client to read back.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createRepositories, type Database as Schema, type Media, type MediaContentType } from '@chucar/domain';
import { createDatabase, createRedis, primaryDatabaseSettings, type Database } from '@chucar/platform';
import { localS3Credentials, testDatabaseName } from '@chucar/platform/testing';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { loadMediaConfig, type MediaConfig } from '../config.ts';
import { createMediaQueue, enqueueStore, type MediaQueue } from '../queue/index.ts';

export const testBucket = 'media-worker-test';
export const silentLogger = pino({ level: 'silent' });

export interface HarnessOptions {
  s3Endpoint: string;
  redisPort?: number;
  /** Environment overrides (MEDIA_RECONCILE_INTERVAL_MS, S3_TIMEOUT_MS, ...). */
  env?: Record<string, string>;
}

export interface WorkerHarness {
  config: MediaConfig;
  /** The variables that give a worker process this config. */
  env: Record<string, string>;
  spoolDir: string;
  database: Database<Schema>;
  ownerId: number;
  queue: MediaQueue;
  s3: S3Client;
  /** An accepted upload: fsynced spool copy first, then the `spooled` row (as intake does), no job. */
  spoolUpload(bytes: Buffer, contentType: MediaContentType): Promise<Media>;
  enqueueStore(mediaId: string): Promise<void>;
  findMedia(mediaId: string): Promise<Media>;
  /** Polls until every listed media satisfies `done`; returns the rows. */
  waitForMedia(ids: readonly string[], done: (media: Media) => boolean, timeoutMs: number): Promise<Media[]>;
  readObject(key: string): Promise<{ bytes: Buffer; metadata: Record<string, string> }>;
  listKeys(prefix: string): Promise<string[]>;
  dispose(): Promise<void>;
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * The test database is shared by every test file, one after the other. Media an earlier file left
 * behind is retired, deleted and already purged, with its copy records gone, so that this file's
 * worker never acts on it: its reconciler would queue others' spooled uploads (their spool copies
 * are gone), its scrubber would find others' objects missing (their servers are gone), and the
 * test's counts would include them.
 */
async function retireEarlierTestsMedia(db: Kysely<Schema>): Promise<void> {
  await db.deleteFrom('media_object_copies').execute();
  await db
    .updateTable('media')
    .set({ status: 'deleted', deleted_at: sql`COALESCE(deleted_at, NOW(3))`, purged_at: sql`NOW(3)`, variants_status: sql`IF(variants_status = 'pending', 'failed', variants_status)` })
    .where((where) => where.or([where('status', '!=', 'deleted'), where('purged_at', 'is', null)]))
    .execute();
}

export async function createWorkerHarness(options: HarnessOptions): Promise<WorkerHarness> {
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'media-worker-spool-'));
  const env: Record<string, string> = {
    DB_NAME: testDatabaseName,
    // The test database is the primary's; empty wins over the stack's cluster that npm run's
    // commands (media:scrub and the like) would otherwise be given.
    DB_CLUSTER_NODES: '',
    MEDIA_SPOOL_DIR: spoolDir,
    S3_ENDPOINT: options.s3Endpoint,
    S3_BUCKET: testBucket,
    S3_ACCESS_KEY_ID: localS3Credentials.accessKeyId,
    S3_SECRET_ACCESS_KEY: localS3Credentials.secretAccessKey,
    MEDIA_QUEUE_PREFIX: `mwtest-${randomUUID().slice(0, 8)}`,
    LOG_FORMAT: 'json',
    // The test database holds earlier tests' media, whose objects lived on servers since disposed:
    // scheduled scrub passes would find them all missing. Tests of the scrubber run passes themselves.
    MEDIA_SCRUB_HEAD_INTERVAL_MS: '0',
    MEDIA_SCRUB_FULL_INTERVAL_MS: '0',
    MEDIA_MIRROR_CATCHUP_INTERVAL_MS: String(24 * 60 * 60 * 1000),
    ...(options.redisPort ? { REDIS_PORT: String(options.redisPort) } : {}),
    ...options.env,
  };
  const config = loadMediaConfig({ ...process.env, ...env });
  const database = createDatabase<Schema>(primaryDatabaseSettings(config, { poolSize: 3 }));
  await retireEarlierTestsMedia(database.db);
  const repositories = createRepositories(database.db);
  const now = new Date();
  const ownerId = await repositories.accounts.insertAccount({
    email: `media-worker-${randomUUID()}@test.chucar.kr`,
    passwordHash: 'not-a-real-hash',
    role: 'customer',
    status: 'active',
    displayName: 'Media worker test',
    createdAt: now,
  });
  const redis = createRedis(config, 'producer', silentLogger);
  await redis.connect();
  const queue = createMediaQueue(redis, config.MEDIA_QUEUE_PREFIX);
  // Fault tests take Redis away on purpose; the failures they expect show in the assertions.
  queue.on('error', () => undefined);
  const s3 = new S3Client({ endpoint: options.s3Endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
  const objectsDir = path.join(spoolDir, 'objects');
  fs.mkdirSync(objectsDir, { recursive: true });

  const findMedia = async (mediaId: string) => {
    const media = await repositories.media.findById(mediaId);
    if (!media) throw new Error(`no media ${mediaId}`);
    return media;
  };

  return {
    config,
    env,
    spoolDir,
    database,
    ownerId,
    queue,
    s3,
    async spoolUpload(bytes, contentType) {
      const id = randomUUID();
      fs.writeFileSync(path.join(objectsDir, id), bytes);
      const { media } = await repositories.media.insert({ id, ownerId, sha256: sha256Of(bytes), sizeBytes: bytes.length, contentType }, new Date());
      return media;
    },
    enqueueStore: (mediaId) => enqueueStore(queue, mediaId, `test-request-${mediaId.slice(0, 8)}`),
    findMedia,
    async waitForMedia(ids, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rows = await Promise.all(ids.map(findMedia));
        if (rows.every(done)) return rows;
        if (Date.now() > deadline) {
          const pending = rows.filter((media) => !done(media)).map((media) => `${media.id}: ${media.status}/${media.variantsStatus} ${media.failureReason ?? ''}`);
          throw new Error(`${pending.length} of ${ids.length} media not done within ${timeoutMs} ms:\n${pending.slice(0, 5).join('\n')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async readObject(key) {
      const answer = await s3.send(new GetObjectCommand({ Bucket: testBucket, Key: key }));
      return { bytes: Buffer.from(await answer.Body!.transformToByteArray()), metadata: answer.Metadata ?? {} };
    },
    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: testBucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
    async dispose() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      redis.disconnect();
      s3.destroy();
      await database.close();
      fs.rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}
