import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Compilable } from 'kysely';
import { GRANULARITIES, kstRangeInstants, periodOfInstant, type Database as Schema } from '@chucar/domain';
import type { Database } from '@chucar/platform';
import { openAppDatabase, waitForReplicaToCatchUp } from '@chucar/platform/testing';
import { openReplica } from '../reporter-database.ts';
import { reporterTestConfig } from '../testing/reporter-test-config.ts';
import * as queries from './report-queries.ts';
import type { ReportScope } from './scope.ts';

/** The tables that grow with the business; a full scan of any of them fails the test. */
const LARGE_TABLES = new Set(['quote_requests', 'qr', 'quotes', 'q', 'media', 'media_incidents']);
const REQUESTS = 4000;

/** A year (2023) of requests, quotes, uploads and incidents, so the optimizer's choice is the one it makes at size. */
async function writeYearOfRows(): Promise<{ makerId: number; modelId: number }> {
  const database = openAppDatabase<Schema>('primary');
  const db = database.db;
  try {
    const trim = await db.selectFrom('trims as t').innerJoin('models as mo', 'mo.id', 't.model_id').select(['t.id as trimId', 'mo.id as modelId', 'mo.maker_id as makerId']).orderBy('t.id').executeTakeFirstOrThrow();
    const stamp = new Date('2023-01-01T00:00:00Z');
    const tag = randomBytes(4).toString('hex');
    const accounts = await db
      .insertInto('accounts')
      .values([
        { email: `explain-customer-${tag}@reports.test`, password_hash: 'x', role: 'customer', status: 'active', display_name: 'c', created_at: stamp, updated_at: stamp },
        { email: `explain-dealer-${tag}@reports.test`, password_hash: 'x', role: 'dealer', status: 'active', display_name: 'd', created_at: stamp, updated_at: stamp },
      ])
      .executeTakeFirstOrThrow();
    const customer = Number(accounts.insertId);
    const dealer = customer + 1;
    const regions = ['seoul', 'busan', 'gyeonggi', 'incheon'] as const;
    const startMs = stamp.getTime();
    const spacingMs = (365 * 86_400_000) / REQUESTS;
    const requestRows = Array.from({ length: REQUESTS }, (_, index) => {
      const createdAt = new Date(startMs + index * spacingMs);
      return {
        customer_id: customer, maker_id: trim.makerId, model_id: trim.modelId, trim_id: trim.trimId, region: regions[index % regions.length]!, purchase_timing: 'later' as const, payment_method: 'cash' as const,
        note: null, list_price_krw: 40_000_000, status: 'open' as const, expires_at: createdAt, accepted_quote_id: null, closed_at: null, created_at: createdAt, updated_at: createdAt,
      };
    });
    const first = Number((await db.insertInto('quote_requests').values(requestRows).executeTakeFirstOrThrow()).insertId);
    await db
      .insertInto('quotes')
      .values(requestRows.map((row, index) => ({ request_id: first + index, dealer_id: dealer, price_krw: 39_000_000, discount_krw: 1_000_000, conditions: '', valid_until: row.created_at, status: 'active' as const, revision: 1, created_at: row.created_at, updated_at: row.created_at })))
      .execute();
    const media = requestRows.map((row) => ({
      id: randomUUID(), owner_id: customer, sha256: randomBytes(32).toString('hex'), size_bytes: 10, content_type: 'image/jpeg' as const, kind: 'image' as const, status: 'stored' as const, variants_status: 'none' as const,
      failure_reason: null, store_attempts: 1, original_key: 'k', width: null, height: null, created_at: row.created_at, updated_at: row.created_at, stored_at: row.created_at, verified_at: null, deleted_at: null,
    }));
    await db.insertInto('media').values(media).execute();
    await db
      .insertInto('media_incidents')
      .values(media.filter((_, index) => index % 4 === 0).map((row) => ({ media_id: row.id, object_key: 'k', store: 'primary' as const, kind: 'missing' as const, pass: 'head' as const, last_verified_good_at: null, detected_at: row.created_at, repaired_at: null, repaired_from: null, outcome: 'open' as const, detail: null })))
      .execute();
    return { makerId: trim.makerId, modelId: trim.modelId };
  } finally {
    await database.close();
    await waitForReplicaToCatchUp();
  }
}

describe('report queries use indexes on the replica (EXPLAIN, real servers)', () => {
  let replica: Database<Schema>;
  let car: { makerId: number; modelId: number };
  beforeAll(async () => {
    car = await writeYearOfRows();
    replica = openReplica(reporterTestConfig());
  });
  afterAll(() => replica?.close());

  async function fullScans(query: Compilable<unknown>): Promise<string[]> {
    const compiled = query.compile();
    const plan = await replica.runSql(`EXPLAIN ${compiled.sql}`, compiled.parameters);
    return plan.filter((row) => LARGE_TABLES.has(String(row['table'])) && row['type'] === 'ALL').map((row) => `${String(row['table'])}: ${JSON.stringify(row)}`);
  }

  it('no full scan of requests, quotes, media or incidents, for a week of a year, with and without filters', async () => {
    const week = kstRangeInstants('2023-06-05', '2023-06-11');
    const scopes: ReportScope[] = [week, { ...week, region: 'seoul' }, { ...week, makerId: car.makerId }, { ...week, makerId: car.makerId, modelId: car.modelId }];
    const db = replica.db;
    for (const scope of scopes) {
      const main = {
        volume: queries.volumeByDay(db, scope),
        conversion: queries.conversionByDay(db, scope, new Date()),
        responsiveness: queries.firstQuotes(db, scope),
        prices: queries.quotedPrices(db, scope, 'month'),
        'dealers (regions)': queries.requestsByDayAndRegion(db, scope),
        'dealers (quotes)': queries.dealerQuotes(db, scope, 'month'),
        'media (uploads)': queries.uploads(db, scope),
        'media (incidents)': queries.incidents(db, scope),
      };
      for (const [name, query] of Object.entries(main)) expect(await fullScans(query), `${name} ${JSON.stringify(scope)}`).toEqual([]);
    }
  });

  it('the SQL sorts by the same Korean period as the domain groups by, at every day, week, month and year boundary', async () => {
    // Around midnight in Korea (15:00 UTC) on a Sunday → Monday, a month's last day and New Year's Eve, and a leap day.
    const boundaries = ['2023-12-31T15:00:00.000Z', '2024-02-28T15:00:00.000Z', '2024-03-03T15:00:00.000Z', '2024-03-31T15:00:00.000Z', '2026-11-29T15:00:00.000Z'];
    const instants = boundaries.flatMap((iso) => [-1, 0, 1].map((offsetMs) => new Date(Date.parse(iso) + offsetMs)));
    for (const granularity of GRANULARITIES) {
      for (const instant of instants) {
        const literal = sql`CAST(${instant.toISOString().slice(0, 23).replace('T', ' ')} AS DATETIME(3))`;
        const query = replica.db.selectNoFrom(queries.kstPeriodKey(literal, granularity).as('period'));
        const [row] = await replica.runSql(query.compile().sql, query.compile().parameters);
        expect(row?.['period'], `${granularity} of ${instant.toISOString()}`).toBe(periodOfInstant(instant, granularity));
      }
    }
  });
});
