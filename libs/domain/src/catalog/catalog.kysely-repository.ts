import type { Kysely, Selectable } from 'kysely';
import type { Database, MakersTable, ModelsTable, TrimOptionsTable } from '../schema/database.ts';
import type { CatalogRepository } from './catalog.repository.ts';
import type { CarModel, Maker, Trim, TrimOption } from './catalog.types.ts';

export function createKyselyCatalogRepository(db: Kysely<Database>): CatalogRepository {
  const selectTrims = () =>
    db
      .selectFrom('trims')
      .innerJoin('models', 'models.id', 'trims.model_id')
      .select([
        'trims.id',
        'trims.model_id',
        'models.maker_id',
        'trims.code',
        'trims.name',
        'trims.model_year',
        'trims.fuel_type',
        'trims.body_type',
        'trims.list_price_krw',
      ]);

  return {
    async listMakers() {
      const rows = await db.selectFrom('makers').selectAll().orderBy('name').execute();
      return rows.map(toMaker);
    },

    async listModels(makerId) {
      let query = db.selectFrom('models').selectAll();
      if (makerId !== undefined) query = query.where('maker_id', '=', makerId);
      const rows = await query.orderBy('name').execute();
      return rows.map(toModel);
    },

    async listTrims(filter) {
      let query = selectTrims();
      if (filter.makerId !== undefined) query = query.where('models.maker_id', '=', filter.makerId);
      if (filter.modelId !== undefined) query = query.where('trims.model_id', '=', filter.modelId);
      if (filter.fuelType !== undefined) query = query.where('trims.fuel_type', '=', filter.fuelType);
      if (filter.bodyType !== undefined) query = query.where('trims.body_type', '=', filter.bodyType);
      const rows = await query.orderBy('trims.list_price_krw').orderBy('trims.id').execute();
      return rows.map(toTrim);
    },

    async findTrimDetail(trimId) {
      const trimRow = await selectTrims().where('trims.id', '=', trimId).executeTakeFirst();
      if (!trimRow) return undefined;
      const [model, maker, options] = await Promise.all([
        db.selectFrom('models').selectAll().where('id', '=', trimRow.model_id).executeTakeFirstOrThrow(),
        db.selectFrom('makers').selectAll().where('id', '=', trimRow.maker_id).executeTakeFirstOrThrow(),
        db.selectFrom('trim_options').selectAll().where('trim_id', '=', trimId).orderBy('id').execute(),
      ]);
      return { ...toTrim(trimRow), maker: toMaker(maker), model: toModel(model), options: options.map(toOption) };
    },
  };
}

function toMaker(row: Selectable<MakersTable>): Maker {
  return { id: Number(row.id), code: row.code, name: row.name, nameKo: row.name_ko, countryCode: row.country_code };
}

function toModel(row: Selectable<ModelsTable>): CarModel {
  return { id: Number(row.id), makerId: Number(row.maker_id), code: row.code, name: row.name, nameKo: row.name_ko };
}

function toTrim(row: {
  id: number;
  model_id: number;
  maker_id: number;
  code: string;
  name: string;
  model_year: number;
  fuel_type: Trim['fuelType'];
  body_type: Trim['bodyType'];
  list_price_krw: number;
}): Trim {
  return {
    id: Number(row.id),
    modelId: Number(row.model_id),
    makerId: Number(row.maker_id),
    code: row.code,
    name: row.name,
    modelYear: Number(row.model_year),
    fuelType: row.fuel_type,
    bodyType: row.body_type,
    listPriceKrw: Number(row.list_price_krw),
  };
}

function toOption(row: Selectable<TrimOptionsTable>): TrimOption {
  return { id: Number(row.id), trimId: Number(row.trim_id), code: row.code, name: row.name, priceKrw: Number(row.price_krw) };
}
