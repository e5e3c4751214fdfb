import type { Kysely } from 'kysely';
import { catalogDemoData, type Database } from '@chucar/domain';

/** Loads the demo catalog (makers → models → trims → options) into an empty database. */
export async function insertDemoCatalog(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const maker of catalogDemoData) {
      const makerRow = await trx.insertInto('makers').values({ code: maker.code, name: maker.name, name_ko: maker.nameKo, country_code: maker.countryCode }).executeTakeFirstOrThrow();
      const makerId = Number(makerRow.insertId);
      for (const model of maker.models) {
        const modelRow = await trx.insertInto('models').values({ maker_id: makerId, code: model.code, name: model.name, name_ko: model.nameKo }).executeTakeFirstOrThrow();
        const modelId = Number(modelRow.insertId);
        for (const trim of model.trims) {
          const trimRow = await trx
            .insertInto('trims')
            .values({ model_id: modelId, code: trim.code, name: trim.name, model_year: trim.modelYear, fuel_type: trim.fuelType, body_type: trim.bodyType, list_price_krw: trim.listPriceKrw })
            .executeTakeFirstOrThrow();
          const trimId = Number(trimRow.insertId);
          if (trim.options.length > 0) {
            await trx.insertInto('trim_options').values(trim.options.map((option) => ({ trim_id: trimId, code: option.code, name: option.name, price_krw: option.priceKrw }))).execute();
          }
        }
      }
    }
  });
}
