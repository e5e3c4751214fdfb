import type { CarModel, Maker, Trim, TrimOption } from '../catalog/catalog.types.ts';

/** A catalog as nested records without the ids a store assigns: what tests load into a backend. */
export type FixtureOption = Omit<TrimOption, 'id' | 'trimId'>;
export type FixtureTrim = Omit<Trim, 'id' | 'modelId' | 'makerId'> & { options: FixtureOption[] };
export type FixtureModel = Omit<CarModel, 'id' | 'makerId'> & { trims: FixtureTrim[] };
export type FixtureMaker = Omit<Maker, 'id'> & { models: FixtureModel[] };

const SUNROOF: FixtureOption = { code: 'SUNROOF', name: '선루프', priceKrw: 500_000 };
const HUD: FixtureOption = { code: 'HUD', name: '헤드업 디스플레이', priceKrw: 700_000 };
const HEAT_PUMP: FixtureOption = { code: 'HEAT_PUMP', name: '히트펌프', priceKrw: 1_000_000 };
const TOW: FixtureOption = { code: 'TOW', name: '트레일러 토잉 패키지', priceKrw: 500_000 };

function trim(code: string, name: string, fuelType: Trim['fuelType'], bodyType: Trim['bodyType'], listPriceKrw: number, options: FixtureOption[]): FixtureTrim {
  return { code, name, modelYear: 2026, fuelType, bodyType, listPriceKrw, options };
}

/**
 * Three makers, four models, six trims: enough for every filter and ordering the repositories
 * promise. Makers and models are deliberately not in name order, and the pickup is cheaper than
 * an electric trim inserted before it, so a list that forgets its ORDER BY shows.
 * Trim codes are unique across the fixture so tests can look a trim up by code alone.
 */
export const testCatalog: readonly FixtureMaker[] = [
  {
    code: 'hyundai',
    name: 'Hyundai',
    nameKo: '현대자동차',
    countryCode: 'KR',
    models: [
      {
        code: 'sonata',
        name: 'Sonata',
        nameKo: '쏘나타',
        trims: [trim('premium', 'Premium', 'gasoline', 'sedan', 30_000_000, [SUNROOF, HUD]), trim('hybrid', 'Hybrid', 'hybrid', 'sedan', 38_000_000, [])],
      },
    ],
  },
  {
    code: 'kia',
    name: 'Kia',
    nameKo: '기아',
    countryCode: 'KR',
    models: [
      {
        code: 'ev6',
        name: 'EV6',
        nameKo: 'EV6',
        trims: [trim('gt-line', 'GT-Line AWD', 'electric', 'suv', 60_000_000, [HEAT_PUMP]), trim('light', 'Light 2WD', 'electric', 'suv', 50_000_000, [])],
      },
      {
        code: 'tasman',
        name: 'Tasman',
        nameKo: '타스만',
        trims: [trim('x-pro', 'X-Pro', 'diesel', 'pickup', 52_000_000, [TOW, SUNROOF])],
      },
    ],
  },
  {
    code: 'bmw',
    name: 'BMW',
    nameKo: 'BMW',
    countryCode: 'DE',
    models: [{ code: '5-series', name: '5 Series', nameKo: '5시리즈', trims: [trim('520i', '520i M Sport', 'gasoline', 'sedan', 70_000_000, [])] }],
  },
];
