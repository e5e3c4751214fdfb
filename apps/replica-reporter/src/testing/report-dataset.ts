/**
 * A small marketplace written on the primary for the report tests, in a window no other test
 * writes to (late February and early March 2024), with every figure the reports must give worked
 * out by hand in the tests. Times are UTC; Korean days are 9 hours ahead. Written once per test
 * database: every report test file of a run shares it (the figures would double otherwise).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database as Schema, RegionCode } from '@chucar/domain';
import { openAppDatabase, waitForReplicaToCatchUp } from '@chucar/platform/testing';

export type Car = { makerId: number; makerCode: string; makerName: string; modelId: number; modelCode: string; modelName: string; trimId: number; trimName: string };

export type ReportDataset = {
  cars: { t1: Car; t2: Car };
  dealers: { d1: number; d2: number; d3: number };
  dealerNames: { d1: string; d2: string; d3: string };
};

const at = (iso: string) => new Date(iso);
const plusMinutes = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000);
const plusSeconds = (iso: string, seconds: number) => new Date(new Date(iso).getTime() + seconds * 1000);

/** Two trims of two different makers from the demo catalog the test setup loaded. */
async function pickCars(db: ReturnType<typeof openAppDatabase<Schema>>['db']): Promise<{ t1: Car; t2: Car }> {
  const rows = await db
    .selectFrom('trims as t')
    .innerJoin('models as mo', 'mo.id', 't.model_id')
    .innerJoin('makers as ma', 'ma.id', 'mo.maker_id')
    .select(['ma.id as makerId', 'ma.code as makerCode', 'ma.name_ko as makerName', 'mo.id as modelId', 'mo.code as modelCode', 'mo.name_ko as modelName', 't.id as trimId', 't.name as trimName'])
    .orderBy('t.id')
    .execute();
  const t1 = rows[0]!;
  const t2 = rows.find((row) => row.makerId !== t1.makerId)!;
  return { t1, t2 };
}

const CUSTOMER_EMAIL = 'report-customer@reports.test';
const DEALER_KEYS = ['d1', 'd2', 'd3'] as const;
const dealerEmail = (key: string) => `report-${key}@reports.test`;
// d1's name starts with "=": the CSV outputs must neutralise it.
const dealerNames = { d1: '=가나모터스', d2: '다라자동차', d3: '마바오토' };

export async function writeReportDataset(): Promise<ReportDataset> {
  const database = openAppDatabase<Schema>('primary');
  const db = database.db;
  try {
    const cars = await pickCars(db);
    const existing = await db.selectFrom('accounts').select(['id', 'email']).where('email', 'in', [CUSTOMER_EMAIL, ...DEALER_KEYS.map(dealerEmail)]).execute();
    if (existing.length > 0) {
      const idOf = (key: string) => existing.find((account) => account.email === dealerEmail(key))!.id;
      // Media workers of other test files may have acted on these rows since (their reconcilers
      // take any spooled row): the media part is written afresh every time.
      await writeMediaDataset(db, existing.find((account) => account.email === CUSTOMER_EMAIL)!.id);
      return { cars, dealers: { d1: idOf('d1'), d2: idOf('d2'), d3: idOf('d3') }, dealerNames };
    }
    const account = async (role: 'customer' | 'dealer', email: string) => {
      const now = at('2024-01-01T00:00:00Z');
      const result = await db
        .insertInto('accounts')
        .values({ email, password_hash: 'x', role, status: 'active', display_name: email.split('@')[0]!, created_at: now, updated_at: now })
        .executeTakeFirstOrThrow();
      return Number(result.insertId);
    };
    const customer = await account('customer', CUSTOMER_EMAIL);
    const dealerRegions: Record<'d1' | 'd2' | 'd3', RegionCode[]> = { d1: ['seoul'], d2: ['seoul', 'busan'], d3: ['busan'] };
    const dealers = { d1: 0, d2: 0, d3: 0 };
    for (const key of DEALER_KEYS) {
      dealers[key] = await account('dealer', dealerEmail(key));
      await db.insertInto('dealer_profiles').values({ account_id: dealers[key], dealership_name: dealerNames[key], reviewed_by: null, reviewed_at: null }).execute();
      await db.insertInto('dealer_regions').values(dealerRegions[key].map((region) => ({ dealer_id: dealers[key], region }))).execute();
    }

    const request = async (createdIso: string, car: Car, region: RegionCode, listPriceKrw: number, status: 'open' | 'accepted' | 'cancelled' | 'expired', expiresIso: string) => {
      const result = await db
        .insertInto('quote_requests')
        .values({
          customer_id: customer,
          maker_id: car.makerId,
          model_id: car.modelId,
          trim_id: car.trimId,
          region,
          purchase_timing: 'this_month',
          payment_method: 'cash',
          note: null,
          list_price_krw: listPriceKrw,
          status,
          expires_at: at(expiresIso),
          accepted_quote_id: null,
          closed_at: status === 'open' ? null : at(createdIso),
          created_at: at(createdIso),
          updated_at: at(createdIso),
        })
        .executeTakeFirstOrThrow();
      return { id: Number(result.insertId), createdIso, listPriceKrw };
    };
    const quote = async (req: { id: number; createdIso: string; listPriceKrw: number }, dealerId: number, afterMinutes: number, discountKrw: number, status: 'active' | 'withdrawn' | 'accepted' | 'closed') => {
      const createdAt = plusMinutes(req.createdIso, afterMinutes);
      await db
        .insertInto('quotes')
        .values({ request_id: req.id, dealer_id: dealerId, price_krw: req.listPriceKrw - discountKrw, discount_krw: discountKrw, conditions: '', valid_until: at('2099-01-01T00:00:00Z'), status, revision: 1, created_at: createdAt, updated_at: createdAt })
        .execute();
    };

    const { t1, t2 } = cars;
    // R1: 00:00 KST Monday 2024-02-26, the first instant of the range.
    const r1 = await request('2024-02-25T15:00:00.000Z', t1, 'seoul', 40_000_000, 'accepted', '2024-03-10T00:00:00Z');
    const r2 = await request('2024-02-27T03:00:00.000Z', t1, 'seoul', 50_000_000, 'cancelled', '2024-03-10T00:00:00Z');
    // R3: still stored open but past its expiry: expired for the reports.
    const r3 = await request('2024-02-29T10:00:00.000Z', t2, 'busan', 30_000_000, 'open', '2024-03-07T00:00:00Z');
    // R4: no dealer answers it.
    await request('2024-03-04T00:00:00.000Z', t2, 'seoul', 30_000_000, 'expired', '2024-03-08T00:00:00Z');
    // R5: 23:59:59 KST Sunday 2024-03-10, the last second of the range.
    const r5 = await request('2024-03-10T14:59:59.000Z', t1, 'busan', 40_000_000, 'open', '2099-01-01T00:00:00Z');
    // Just outside the range on either side, in Korean time.
    const o1 = await request('2024-02-25T14:59:59.999Z', t1, 'seoul', 40_000_000, 'open', '2099-01-01T00:00:00Z');
    const o2 = await request('2024-03-10T15:00:00.000Z', t1, 'seoul', 40_000_000, 'open', '2099-01-01T00:00:00Z');

    await quote(r1, dealers.d1, 30, 2_000_000, 'accepted');
    await quote(r1, dealers.d2, 90, 1_000_000, 'closed');
    await quote(r2, dealers.d2, 25 * 60, 5_000_000, 'withdrawn');
    await quote(r3, dealers.d3, 10, 3_000_000, 'active');
    await quote(r3, dealers.d2, 20, 1_500_000, 'active');
    await quote(r5, dealers.d3, 60, 4_000_000, 'active');
    await quote(o1, dealers.d1, 5, 9_000_000, 'active');
    await quote(o2, dealers.d1, 5, 9_000_000, 'active');

    await writeMediaDataset(db, customer);

    return { cars, dealers, dealerNames };
  } finally {
    await database.close();
    await waitForReplicaToCatchUp();
  }
}

/** The media report's uploads and incidents, replacing whatever rows of that customer exist. */
async function writeMediaDataset(db: Kysely<Schema>, customer: number): Promise<void> {
  const previous = db.selectFrom('media').select('id').where('owner_id', '=', customer);
  await db.deleteFrom('media_incidents').where('media_id', 'in', previous).execute();
  await db.deleteFrom('media_object_copies').where('media_id', 'in', previous).execute();
  await db.deleteFrom('media_variants').where('media_id', 'in', previous).execute();
  await db.deleteFrom('media').where('owner_id', '=', customer).execute();

  const media = async (createdIso: string, status: string, storedAfterSeconds: number | null, storeAttempts: number) => {
    const id = randomUUID();
    const createdAt = at(createdIso);
    await db
      .insertInto('media')
      .values({
        id,
        owner_id: customer,
        sha256: randomBytes(32).toString('hex'),
        size_bytes: 1000,
        content_type: 'image/jpeg',
        kind: 'image',
        status: status as 'stored',
        variants_status: 'none',
        failure_reason: null,
        store_attempts: storeAttempts,
        original_key: `originals/${id}`,
        width: null,
        height: null,
        created_at: createdAt,
        updated_at: createdAt,
        stored_at: storedAfterSeconds === null ? null : plusSeconds(createdIso, storedAfterSeconds),
        verified_at: null,
        deleted_at: null,
      })
      .execute();
    return id;
  };
  const m1 = await media('2024-02-26T01:00:00.000Z', 'stored', 2, 1);
  await media('2024-02-27T01:00:00.000Z', 'stored', 4, 3);
  await media('2024-02-28T01:00:00.000Z', 'deleted', 12, 2);
  await media('2024-03-01T00:00:00.000Z', 'spooled', null, 0);
  await media('2024-03-05T00:00:00.000Z', 'failed', null, 5);
  await media('2024-03-05T00:00:00.000Z', 'lost', 1, 1);
  await media('2024-03-11T00:00:00.000Z', 'stored', 1, 1); // 09:00 KST 03-11: outside

  const incident = async (detectedIso: string, kind: 'missing' | 'changed' | 'size', outcome: 'open' | 'repaired' | 'unrepairable', repairedFrom: 'spool' | 'primary' | 'mirror' | 'regenerated' | null) => {
    await db
      .insertInto('media_incidents')
      .values({
        media_id: m1,
        object_key: `originals/${m1}`,
        store: 'primary',
        kind,
        pass: 'head',
        last_verified_good_at: null,
        detected_at: at(detectedIso),
        repaired_at: repairedFrom === null ? null : at(detectedIso),
        repaired_from: repairedFrom,
        outcome,
        detail: null,
      })
      .execute();
  };
  await incident('2024-02-28T00:00:00.000Z', 'missing', 'repaired', 'mirror');
  await incident('2024-02-28T00:00:00.000Z', 'changed', 'repaired', 'spool');
  await incident('2024-03-06T00:00:00.000Z', 'size', 'unrepairable', null);
  await incident('2024-03-06T00:00:00.000Z', 'missing', 'open', null);
  await incident('2024-03-07T00:00:00.000Z', 'missing', 'repaired', 'regenerated');
}
