/** The catalog changes rarely: one load per page view names every maker, model and trim. */
import { unwrap, type ApiClient } from './api/client.ts';
import type { Maker, Model, Region, Trim } from './api/types.ts';

export interface CatalogNames {
  makers: Map<number, Maker>;
  models: Map<number, Model>;
  trims: Map<number, Trim>;
  regions: Region[];
}

let loading: Promise<CatalogNames> | null = null;

export function loadCatalogNames(api: ApiClient): Promise<CatalogNames> {
  loading ??= Promise.all([
    unwrap(api.client.GET('/v1/catalog/makers')),
    unwrap(api.client.GET('/v1/catalog/models')),
    unwrap(api.client.GET('/v1/catalog/trims')),
    unwrap(api.client.GET('/v1/regions')),
  ]).then(
    ([makers, models, trims, regions]) => ({
      makers: new Map(makers.map((maker) => [maker.id, maker])),
      models: new Map(models.map((model) => [model.id, model])),
      trims: new Map(trims.map((trim) => [trim.id, trim])),
      regions,
    }),
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** "현대 그랜저 2.5 Premium (2026)" for a request or a trim. */
export function carName(names: CatalogNames | null, ids: { makerId: number; modelId: number; trimId: number }): string {
  if (!names) return `#${ids.trimId}`;
  const maker = names.makers.get(ids.makerId)?.nameKo ?? '';
  const model = names.models.get(ids.modelId)?.nameKo ?? '';
  const trim = names.trims.get(ids.trimId);
  return [maker, model, trim ? `${trim.name} (${trim.modelYear})` : `#${ids.trimId}`].filter(Boolean).join(' ');
}

/** The region's Korean name; in English its romanised code (seoul → Seoul), as the API gives no English name. */
export function regionName(names: CatalogNames | null, code: string, language: 'ko' | 'en' = 'ko'): string {
  if (language === 'en') return code.charAt(0).toUpperCase() + code.slice(1);
  return names?.regions.find((region) => region.code === code)?.nameKo ?? code;
}
