export const FUEL_TYPES = ['gasoline', 'diesel', 'hybrid', 'plug_in_hybrid', 'electric', 'lpg', 'hydrogen'] as const;
export type FuelType = (typeof FUEL_TYPES)[number];

export const BODY_TYPES = ['sedan', 'hatchback', 'suv', 'mpv', 'pickup', 'coupe', 'wagon', 'van'] as const;
export type BodyType = (typeof BODY_TYPES)[number];

export type Maker = {
  id: number;
  code: string;
  name: string;
  nameKo: string;
  countryCode: string;
};

export type CarModel = {
  id: number;
  makerId: number;
  code: string;
  name: string;
  nameKo: string;
};

export type Trim = {
  id: number;
  modelId: number;
  makerId: number;
  code: string;
  name: string;
  modelYear: number;
  fuelType: FuelType;
  bodyType: BodyType;
  listPriceKrw: number;
};

export type TrimOption = {
  id: number;
  trimId: number;
  code: string;
  name: string;
  priceKrw: number;
};

/** A trim with its maker, model and selectable options: what a quote request is built on. */
export type TrimDetail = Trim & {
  maker: Maker;
  model: CarModel;
  options: TrimOption[];
};

export type TrimFilter = {
  makerId?: number;
  modelId?: number;
  fuelType?: FuelType;
  bodyType?: BodyType;
};
