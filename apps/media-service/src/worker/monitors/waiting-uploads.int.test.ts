/**
 * media_spool_oldest_waiting_seconds against the real primary: the query's answer and its plan on
 * a table of 22,500 uploads (a database of its own, the media table copied with its indexes from
 * the migrated test database), then the gauge as the real worker serves it on /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaTableCopy, type MediaTableCopy } from '../../testing/media-table-copy.ts';
import { ownS3Server, type OwnServer } from '../../testing/own-servers.ts';
import { createWorkerHarness, silentLogger, testBucket, type WorkerHarness } from '../../testing/worker-harness.ts';
import { createMediaWorker, type MediaWorker } from '../media-worker.ts';
import { oldestWaitingUploadAcceptedAt } from './waiting-uploads.ts';

describe('the oldest waiting upload: one index dive (EXPLAIN, real primary)', () => {
  let copy: MediaTableCopy;

  beforeAll(async () => {
    // Upload n was accepted n minutes before 2026-12-05 12:00 UTC; one in 100 still waits (n = 7,
    // 107, …), and the oldest of all, n = 22,499, was stored long ago: it must not count.
    copy = await createMediaTableCopy('media_waiting', {
      contentType: "'application/pdf'",
      kind: "'document'",
      status: "IF({n} % 100 = 7, 'spooled', 'stored')",
      variantsStatus: "'none'",
      createdAt: "TIMESTAMP'2026-12-05 12:00:00' - INTERVAL {n} MINUTE",
      updatedAt: "TIMESTAMP'2026-12-05 12:00:00'",
    });
  });
  afterAll(async () => {
    await copy?.drop();
  });

  it('answers the oldest spooled upload’s acceptance, read from (status, created_at) without touching a row', async () => {
    const { db, statements } = copy;
    // 22,407 = 22,499 rounded down to the last n that is 7 modulo 100.
    expect(await oldestWaitingUploadAcceptedAt(db)).toEqual(new Date(Date.parse('2026-12-05T12:00:00Z') - 22_407 * 60_000));
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    const plan = await copy.explain<{ Extra: string }>(statement!);
    // MariaDB reads the minimum off the index's first entry for status = 'spooled' while planning.
    expect(plan.map((step) => step.Extra)).toEqual(['Select tables optimized away']);

    await db.updateTable('media').set({ status: 'stored' }).where('status', '=', 'spooled').execute();
    expect(await oldestWaitingUploadAcceptedAt(db)).toBeNull();
  });
});

describe('media_spool_oldest_waiting_seconds on the worker’s /metrics (own s3rver, test database)', () => {
  let s3server: OwnServer & { endpoint: string };
  let harness: WorkerHarness;
  let worker: MediaWorker;

  beforeAll(async () => {
    s3server = await ownS3Server(testBucket);
    harness = await createWorkerHarness({ s3Endpoint: s3server.endpoint });
    worker = await createMediaWorker(harness.config, { logger: silentLogger, operations: { queueCheckEveryMs: 200 } });
    await worker.start();
  });
  afterAll(async () => {
    await worker?.close();
    await harness?.dispose();
    await s3server?.dispose();
  });

  const gauge = async () => {
    const line = (await worker.app.inject({ method: 'GET', url: '/metrics' })).body.split('\n').find((found) => found.startsWith('media_spool_oldest_waiting_seconds '));
    return line === undefined ? null : Number(line.split(' ')[1]);
  };
  async function eventually(done: (seconds: number | null) => boolean, timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seconds = await gauge();
      if (done(seconds) || Date.now() > deadline) return seconds;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('is the age of the oldest accepted upload not yet stored, and 0 once every upload is stored', async () => {
    // The harness retired earlier tests' media: nothing waits yet.
    expect(await eventually((seconds) => seconds === 0, 5000)).toBe(0);

    // Two accepted uploads, no store job yet: one accepted 150 s ago, one just now.
    const older = await harness.spoolUpload(Buffer.from('%PDF-1.4\n% accepted 150 s ago\n%%EOF\n'), 'application/pdf');
    const newer = await harness.spoolUpload(Buffer.from('%PDF-1.4\n% accepted just now\n%%EOF\n'), 'application/pdf');
    await harness.database.db.updateTable('media').set({ created_at: new Date(Date.now() - 150_000) }).where('id', '=', older.id).execute();
    const waited = await eventually((seconds) => seconds !== null && seconds >= 150, 5000);
    // A wrong column, a time zone off by hours or a stale read would all land outside this.
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(165);

    for (const media of [older, newer]) await harness.enqueueStore(media.id);
    await harness.waitForMedia([older.id, newer.id], (media) => media.status === 'stored', 30_000);
    expect(await eventually((seconds) => seconds === 0, 5000)).toBe(0);
  });
});
