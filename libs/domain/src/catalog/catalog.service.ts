import { NotFoundError, ValidationError } from '../errors.ts';
import type { ReadRunner } from '../repositories.ts';
import { BODY_TYPES, FUEL_TYPES } from './catalog.types.ts';
import type { CarModel, Maker, Trim, TrimDetail, TrimFilter } from './catalog.types.ts';

export type CatalogDeps = { reads: ReadRunner };

export type CatalogService = {
  listMakers(): Promise<Maker[]>;
  listModels(makerId?: number): Promise<CarModel[]>;
  listTrims(filter?: TrimFilter): Promise<Trim[]>;
  getTrim(trimId: number): Promise<TrimDetail>;
};

/** The catalog is public and read-only to the marketplace; the seeder writes it. */
export function createCatalog(deps: CatalogDeps): CatalogService {
  const { reads } = deps;

  return {
    listMakers: () => reads.run((repos) => repos.catalog.listMakers()),

    listModels: (makerId) => reads.run((repos) => repos.catalog.listModels(makerId)),

    async listTrims(filter = {}) {
      if (filter.fuelType !== undefined && !FUEL_TYPES.includes(filter.fuelType)) {
        throw ValidationError.single('fuelType', `must be one of ${FUEL_TYPES.join(', ')}`);
      }
      if (filter.bodyType !== undefined && !BODY_TYPES.includes(filter.bodyType)) {
        throw ValidationError.single('bodyType', `must be one of ${BODY_TYPES.join(', ')}`);
      }
      return reads.run((repos) => repos.catalog.listTrims(filter));
    },

    async getTrim(trimId) {
      const trim = await reads.run((repos) => repos.catalog.findTrimDetail(trimId));
      if (!trim) throw new NotFoundError('trim', trimId);
      return trim;
    },
  };
}
