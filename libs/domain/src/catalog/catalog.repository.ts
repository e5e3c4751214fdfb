import type { CarModel, Maker, Trim, TrimDetail, TrimFilter } from './catalog.types.ts';

export interface CatalogRepository {
  listMakers(): Promise<Maker[]>;
  listModels(makerId?: number): Promise<CarModel[]>;
  listTrims(filter: TrimFilter): Promise<Trim[]>;
  findTrimDetail(trimId: number): Promise<TrimDetail | undefined>;
}
