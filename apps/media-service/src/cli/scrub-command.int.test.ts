/**
 * `npm run media:scrub` spawned as an operator runs it, on the local stack's settings alone: the
 * stack's mirror (S3_MIRROR_PORT, S3_MIRROR_BUCKET) reaches the command without any MEDIA_MIRROR_*
 * variable, so it checks both stores the services write. The stores are s3rver processes this test
 * owns, the stack's mirror settings point at them; a mirror that refuses or never answers stops the
 * command at once with one line.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '@chucar/domain';
import { localS3Credentials, unusedLoopbackPort } from '@chucar/platform/testing';
import { ownS3Server, type OwnServer } from '../testing/own-servers.ts';
import { createWorkerHarness, silentLogger, testBucket, type WorkerHarness } from '../testing/worker-harness.ts';
import { createMediaWorker } from '../worker/media-worker.ts';

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
const mirrorBucket = 'media-scrub-command-mirror';

interface CommandRun {
  code: number | null;
  stdout: string[];
  /** stderr without npm's own notices, if it prints any: what the command itself said. */
  stderr: string[];
  ms: number;
}

describe('npm run media:scrub with the local stack’s settings (own primary and mirror s3rver)', () => {
  let primary: OwnServer & { endpoint: string };
  let mirror: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let plainPrimary: S3Client;
  let plainMirror: S3Client;
  let stored: Media[];

  beforeAll(async () => {
    primary = await ownS3Server(testBucket);
    mirror = await ownS3Server(mirrorBucket);
    // The worker is told about the mirror directly, as npm start tells the services.
    harness = await createWorkerHarness({ s3Endpoint: primary.endpoint, env: { S3_TIMEOUT_MS: '5000', MEDIA_MIRROR_BUCKET: mirrorBucket, MEDIA_MIRROR_ENDPOINT: mirror.endpoint } });
    const worker = await createMediaWorker(harness.config, { logger: silentLogger });
    await worker.start();
    try {
      const uploads = [];
      for (const index of [1, 2, 3]) uploads.push(await harness.spoolUpload(Buffer.from(`%PDF-1.4\n% scrub command ${index} ${Math.random()}\n%%EOF\n`), 'application/pdf'));
      for (const media of uploads) await harness.enqueueStore(media.id);
      stored = await harness.waitForMedia(
        uploads.map((media) => media.id),
        (media) => media.status === 'stored',
        30_000,
      );
      // The mirror is written best effort, possibly just after the row says stored: wait for its copies too.
      const deadline = Date.now() + 15_000;
      while ((await copiesIn('mirror')) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await worker.close();
    }
    const plain = (endpoint: string) => new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: localS3Credentials });
    plainPrimary = plain(primary.endpoint);
    plainMirror = plain(mirror.endpoint);
  }, 90_000);

  afterAll(async () => {
    plainPrimary?.destroy();
    plainMirror?.destroy();
    await harness?.dispose();
    await primary?.dispose();
    await mirror?.dispose();
  });

  async function copiesIn(store: 'primary' | 'mirror'): Promise<number> {
    const row = await harness.database.db
      .selectFrom('media_object_copies')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('store', '=', store)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The command as users type it. Its environment is the caller's plus the test database, spool,
   * queue prefix and primary store, and the stack's own settings; no MEDIA_MIRROR_* at all unless
   * a test sets one.
   */
  function npmRunScrub(args: readonly string[], settings: Record<string, string>): Promise<CommandRun> {
    const env: Record<string, string | undefined> = { ...process.env, ...harness.env };
    for (const name of Object.keys(env)) if (name.startsWith('MEDIA_MIRROR_')) delete env[name];
    Object.assign(env, settings);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn('npm', ['run', 'media:scrub', '--', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
        resolve({
          code,
          // npm echoes the script it runs ("> chucar@… media:scrub", "> node …") before the command's own lines.
          stdout: lines(stdout).filter((line) => !line.startsWith('> ')),
          stderr: lines(stderr).filter((line) => !line.startsWith('npm ')),
          ms: Date.now() - started,
        });
      });
    });
  }

  const stackMirror = () => ({ S3_MIRROR_PORT: String(mirror.port), S3_MIRROR_BUCKET: mirrorBucket });
  const existsIn = (client: S3Client, bucket: string, key: string) =>
    client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
      () => true,
      () => false,
    );

  it('checks both stores: an object gone from the mirror and one gone from the primary are found and put back', async () => {
    expect(await copiesIn('primary')).toBe(3);
    expect(await copiesIn('mirror')).toBe(3);
    const [goneFromMirror, goneFromPrimary] = stored;
    await plainMirror.send(new DeleteObjectCommand({ Bucket: mirrorBucket, Key: goneFromMirror!.originalKey }));
    await plainPrimary.send(new DeleteObjectCommand({ Bucket: testBucket, Key: goneFromPrimary!.originalKey }));

    const run = await npmRunScrub(['--pass', 'head'], stackMirror());
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(run.stdout).toEqual([
      'head pass primary: checked; checked 3 objects, 2 good',
      'head pass mirror: checked; checked 3 objects, 2 good',
      expect.stringMatching(new RegExp(`^  incident #\\d+ (primary missing ${goneFromPrimary!.originalKey}|mirror missing ${goneFromMirror!.originalKey}): repaired from (spool|primary|mirror) `)),
      expect.stringMatching(new RegExp(`^  incident #\\d+ (primary missing ${goneFromPrimary!.originalKey}|mirror missing ${goneFromMirror!.originalKey}): repaired from (spool|primary|mirror) `)),
      'found 2, repaired 2, unrepairable (lost) 0, left open 0',
    ]);
    expect(await existsIn(plainMirror, mirrorBucket, goneFromMirror!.originalKey)).toBe(true);
    expect(await existsIn(plainPrimary, testBucket, goneFromPrimary!.originalKey)).toBe(true);
  }, 90_000);

  it('a stack mirror that refuses connections: exit 3 and one line naming it, before anything is checked', async () => {
    const port = await unusedLoopbackPort();
    const run = await npmRunScrub(['--pass', 'head'], { S3_MIRROR_PORT: String(port), S3_MIRROR_BUCKET: mirrorBucket });
    expect(run.code).toBe(3);
    expect(run.stderr).toEqual([
      `media:scrub: the mirror store (bucket ${mirrorBucket} at http://127.0.0.1:${port}) did not answer: connect ECONNREFUSED 127.0.0.1:${port}; nothing was checked (MEDIA_MIRROR_BUCKET= checks the primary alone)`,
    ]);
    expect(run.stdout).toEqual([]);
  }, 90_000);

  it('a stack mirror that accepts connections and never answers: exit 3 and one line once S3_TIMEOUT_MS has passed', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const run = await npmRunScrub(['--pass', 'head'], { S3_MIRROR_PORT: String(port), S3_MIRROR_BUCKET: mirrorBucket, S3_TIMEOUT_MS: '1500' });
      expect(run.code).toBe(3);
      expect(run.stderr).toEqual([`media:scrub: the mirror store (bucket ${mirrorBucket} at http://127.0.0.1:${port}) did not answer within 1500 ms; nothing was checked (MEDIA_MIRROR_BUCKET= checks the primary alone)`]);
      expect(run.stdout).toEqual([]);
      // Bounded by the check, not by the operating system's TCP timeouts (minutes); npm and Node start in seconds.
      expect(run.ms).toBeLessThan(30_000);
      expect(sockets.size).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 90_000);

  it('an operator’s own MEDIA_MIRROR_BUCKET wins over the stack’s: empty checks the primary alone', async () => {
    const run = await npmRunScrub(['--pass', 'head'], { ...stackMirror(), MEDIA_MIRROR_BUCKET: '' });
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(run.stdout).toEqual(['head pass primary: checked; checked 3 objects, 3 good', 'head pass mirror: not configured', 'found 0, repaired 0, unrepairable (lost) 0, left open 0']);
  }, 90_000);
});
