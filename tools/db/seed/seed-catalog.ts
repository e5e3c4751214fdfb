/** The catalog the requests are built on: the demo catalog, inserted only into empty tables. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '@chucar/domain';
import { executeInTransactions, insertLimitsWithin, insertStatements, UNLIMITED_TRANSACTIONS, type TransactionLimits } from './bulk-insert.ts';
import { demoCatalog } from './demo-catalog.ts';
import type { DemoMaker } from './demo-catalog.ts';
import type { CatalogTrim, RowOf } from './seed-rows.ts';

/**
 * Inserts `catalog` (the demo catalog unless given) if there are no makers yet, in transactions
 * within `limits`; returns how many trims it inserted.
 */
export async function ensureCatalog(db: Kysely<Database>, catalog: readonly DemoMaker[] = demoCatalog, limits: TransactionLimits = UNLIMITED_TRANSACTIONS): Promise<number> {
  const existing = await db.selectFrom('makers').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  if (Number(existing.count) > 0) return 0;

  const next = await nextIds(db, ['makers', 'models', 'trims', 'trim_options']);
  const makers: RowOf<'makers'>[] = [];
  const models: RowOf<'models'>[] = [];
  const trims: RowOf<'trims'>[] = [];
  const options: RowOf<'trim_options'>[] = [];
  for (const maker of catalog) {
    const makerId = next.makers++;
    makers.push({ id: makerId, code: maker.code, name: maker.name, name_ko: maker.nameKo, country_code: maker.countryCode });
    for (const model of maker.models) {
      const modelId = next.models++;
      models.push({ id: modelId, maker_id: makerId, code: model.code, name: model.name, name_ko: model.nameKo });
      for (const trim of model.trims) {
        const trimId = next.trims++;
        trims.push({
          id: trimId,
          model_id: modelId,
          code: trim.code,
          name: trim.name,
          model_year: trim.modelYear,
          fuel_type: trim.fuelType,
          body_type: trim.bodyType,
          list_price_krw: trim.listPriceKrw,
        });
        for (const option of trim.options) {
          options.push({ id: next.trim_options++, trim_id: trimId, code: option.code, name: option.name, price_krw: option.priceKrw });
        }
      }
    }
  }
  const insertLimits = insertLimitsWithin(limits);
  await executeInTransactions(
    db,
    [
      ...insertStatements('makers', ['id', 'code', 'name', 'name_ko', 'country_code'], makers, insertLimits),
      ...insertStatements('models', ['id', 'maker_id', 'code', 'name', 'name_ko'], models, insertLimits),
      ...insertStatements('trims', ['id', 'model_id', 'code', 'name', 'model_year', 'fuel_type', 'body_type', 'list_price_krw'], trims, insertLimits),
      ...insertStatements('trim_options', ['id', 'trim_id', 'code', 'name', 'price_krw'], options, insertLimits),
    ],
    limits,
  );
  return trims.length;
}

/** Every trim with its maker, model and options, in id order (so the draws are stable). */
export async function loadCatalog(db: Kysely<Database>): Promise<CatalogTrim[]> {
  const trims = await db
    .selectFrom('trims')
    .innerJoin('models', 'models.id', 'trims.model_id')
    .innerJoin('makers', 'makers.id', 'models.maker_id')
    .select(['trims.id as trimId', 'trims.list_price_krw as listPriceKrw', 'models.id as modelId', 'models.code as modelCode', 'makers.id as makerId', 'makers.country_code as countryCode'])
    .orderBy('trims.id')
    .execute();
  const options = await db.selectFrom('trim_options').select(['trim_id', 'code', 'name', 'price_krw']).orderBy('trim_id').orderBy('id').execute();
  const optionsByTrim = new Map<number, { code: string; name: string; priceKrw: number }[]>();
  for (const option of options) {
    const list = optionsByTrim.get(Number(option.trim_id)) ?? [];
    list.push({ code: option.code, name: option.name, priceKrw: Number(option.price_krw) });
    optionsByTrim.set(Number(option.trim_id), list);
  }
  return trims.map((trim) => ({
    trimId: Number(trim.trimId),
    makerId: Number(trim.makerId),
    modelId: Number(trim.modelId),
    modelCode: trim.modelCode,
    countryCode: trim.countryCode,
    listPriceKrw: Number(trim.listPriceKrw),
    options: optionsByTrim.get(Number(trim.trimId)) ?? [],
  }));
}

/** MAX(id) + 1 per table: the seeder writes explicit ids so rows can reference each other without reading back. */
export async function nextIds<T extends string>(db: Kysely<Database>, tables: readonly T[]): Promise<Record<T, number>> {
  const ids = {} as Record<T, number>;
  for (const table of tables) {
    const result = await sql<{ maxId: number | string | null }>`SELECT MAX(id) AS maxId FROM ${sql.table(table)}`.execute(db);
    ids[table] = Number(result.rows[0]?.maxId ?? 0) + 1;
  }
  return ids;
}
