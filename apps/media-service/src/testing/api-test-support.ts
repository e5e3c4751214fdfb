/**
 * What the media API's integration tests share: the real app on the local stack's test database
 * with a spool and a queue prefix of its own, customers made through the domain, service tokens
 * signed as the gateway signs them, and views of everything an upload may leave behind.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import sharp from 'sharp';
import { createAccounts, createKyselyWriteRunner, createRepositories, readsFrom, systemClock, type Account, type Database as Schema, type Role } from '@chucar/domain';
import { createRedis, readEnv, redisEnv, signServiceToken, type Database } from '@chucar/platform';
import { openAppDatabase, testDatabaseName } from '@chucar/platform/testing';
import type { FastifyInstance } from 'fastify';
import { MEDIA_QUEUE_NAME } from '@chucar/contracts';
import { buildApp } from '../api/app.ts';
import { MEDIA_SERVICE_AUDIENCE } from '../api/auth.ts';
import { loadMediaConfig, type MediaConfig } from '../config.ts';

export interface MediaTestApp {
  app: FastifyInstance;
  config: MediaConfig;
  /** Removes the spool directory and the queue's keys. */
  dispose(): Promise<void>;
}

/** The real app; every instance gets its own spool directory and queue prefix unless told otherwise. */
export async function buildTestApp(overrides: Record<string, string> = {}): Promise<MediaTestApp> {
  const spoolDir = overrides['MEDIA_SPOOL_DIR'] ?? (await mkdtemp(path.join(os.tmpdir(), 'media-spool-')));
  const config = loadMediaConfig({
    ...process.env,
    NODE_ENV: 'test',
    DB_NAME: testDatabaseName,
    MEDIA_SPOOL_DIR: spoolDir,
    MEDIA_QUEUE_PREFIX: `test-${randomUUID().slice(0, 8)}`,
    // The tests' spool lives on whatever disk /tmp is; only the spool-full test sets a floor.
    MEDIA_SPOOL_MIN_FREE_BYTES: '0',
    MEDIA_SPOOL_MIN_FREE_PERCENT: '0',
    ...overrides,
  });
  const app = await buildApp(config, { logger: false });
  await app.ready();
  return {
    app,
    config,
    async dispose() {
      await app.close();
      await obliterateQueue(config);
      if (!overrides['MEDIA_SPOOL_DIR']) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

async function obliterateQueue(config: MediaConfig): Promise<void> {
  const settings = readEnv(redisEnv, { ...process.env, REDIS_CONNECT_TIMEOUT_MS: '500' });
  if (settings.REDIS_PORT !== config.REDIS_PORT) return;
  const redis = createRedis(settings, 'producer', { warn: () => {}, info: () => {} });
  const queue = new Queue(MEDIA_QUEUE_NAME, { connection: redis, prefix: config.MEDIA_QUEUE_PREFIX });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/** Store jobs waiting in this app's queue, by media id. */
export async function queuedStoreJobs(config: MediaConfig): Promise<string[]> {
  const redis = createRedis(readEnv(redisEnv, process.env), 'producer', { warn: () => {}, info: () => {} });
  const queue = new Queue<{ mediaId: string }>(MEDIA_QUEUE_NAME, { connection: redis, prefix: config.MEDIA_QUEUE_PREFIX });
  try {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
    return jobs.filter((job) => job.name === 'store').map((job) => job.data.mediaId).sort();
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

export interface TestDatabase {
  database: Database<Schema>;
  customer(role?: Role): Promise<Account>;
  /** The media rows of one owner, as the table has them. */
  mediaRowsOf(ownerId: number): Promise<{ id: string; sha256: string; size_bytes: number; content_type: string; status: string; width: number | null; height: number | null }[]>;
  close(): Promise<void>;
}

/** Accounts made through the domain, by default on the primary of the test database. */
export function openTestDatabase(database: Database<Schema> = openAppDatabase<Schema>('primary')): TestDatabase {
  const accounts = createAccounts({ reads: readsFrom(createRepositories(database.db)), writes: createKyselyWriteRunner(database.db), clock: systemClock, settings: { refreshTokenTtlDays: 1 } });
  return {
    database,
    async customer(role = 'customer') {
      const email = `media-${randomUUID().slice(0, 12)}@test.chucar.kr`;
      if (role === 'customer') return accounts.signUpCustomer({ email, password: 'correct horse battery staple', displayName: 'media tester' });
      if (role === 'dealer') return accounts.signUpDealer({ email, password: 'correct horse battery staple', displayName: 'media dealer', dealershipName: 'Media Motors', regions: ['seoul'] });
      throw new Error(`openTestDatabase makes customers and dealers, not ${role}s`);
    },
    async mediaRowsOf(ownerId) {
      const rows = await database.db.selectFrom('media').select(['id', 'sha256', 'size_bytes', 'content_type', 'status', 'width', 'height']).where('owner_id', '=', ownerId).orderBy('created_at').execute();
      return rows.map((row) => ({ ...row, size_bytes: Number(row.size_bytes) }));
    },
    close: () => database.close(),
  };
}

/** The authorization header the gateway would send on behalf of `account`. */
export function serviceAuth(config: MediaConfig, account: { id: number; role: Role }): { authorization: string } {
  return { authorization: `Bearer ${signServiceToken(config.MEDIA_SERVICE_SECRET, { accountId: account.id, role: account.role, audience: MEDIA_SERVICE_AUDIENCE })}` };
}

/** Every file in the spool's incoming/, objects/ and tus/ directories. */
export async function spoolListing(config: MediaConfig): Promise<{ incoming: string[]; objects: string[]; tus: string[] }> {
  const list = async (dir: string) => (await readdir(path.join(config.MEDIA_SPOOL_DIR, dir)).catch(() => [])).filter((name) => !name.startsWith('.')).sort();
  return { incoming: await list('incoming'), objects: await list('objects'), tus: await list('tus') };
}

/** A small photo-like image in `format`, different for every `seed`, so each test's bytes are its own. */
export async function testImage(format: 'jpeg' | 'png' | 'webp' | 'avif', seed: string = randomUUID(), size = { width: 96, height: 64 }): Promise<Buffer> {
  const hue = Number.parseInt(seed.replace(/[^0-9a-f]/g, '').slice(0, 6) || '0', 16);
  const background = { r: hue & 0xff, g: (hue >> 8) & 0xff, b: (hue >> 16) & 0xff };
  const image = sharp({ create: { ...size, channels: 3, background } }).composite([
    { input: Buffer.from(`<svg width="${size.width}" height="${size.height}"><circle cx="${size.width / 2}" cy="${size.height / 2}" r="${size.height / 3}" fill="white"/></svg>`) },
  ]);
  switch (format) {
    case 'jpeg':
      return image.jpeg().toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp().toBuffer();
    case 'avif':
      return image.avif({ effort: 0 }).toBuffer();
  }
}

/** A minimal well-formed PDF, written by hand: header, one empty page, xref, trailer, %%EOF. */
export function testPdf(note = randomUUID()): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>`,
    `<< /Length ${`% ${note}\n`.length} >>\nstream\n% ${note}\n\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export const heicFixturePath = path.join(import.meta.dirname, 'fixtures', 'heic-o1.heic');
