import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../errors.ts';
import { createTestBackend } from '../testing/test-backend.ts';
import { catalogDemoData } from './catalog.demo-data.ts';
import { createCatalog } from './catalog.service.ts';
import { BODY_TYPES, FUEL_TYPES } from './catalog.types.ts';
import type { FuelType } from './catalog.types.ts';

const allTrims = catalogDemoData.flatMap((maker) => maker.models.flatMap((model) => model.trims));

describe('demo catalog data', () => {
  it('covers the domestic makers and major imports with 60+ trims', () => {
    const codes = catalogDemoData.map((maker) => maker.code);
    for (const code of ['hyundai', 'kia', 'genesis', 'chevrolet', 'renault-korea', 'kg-mobility', 'bmw', 'mercedes-benz', 'tesla', 'volvo']) {
      expect(codes).toContain(code);
    }
    expect(allTrims.length).toBeGreaterThanOrEqual(60);
  });

  it('has codes unique per parent and plausible KRW prices', () => {
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(catalogDemoData.map((maker) => maker.code))).toBe(true);
    for (const maker of catalogDemoData) {
      expect(unique(maker.models.map((model) => model.code))).toBe(true);
      for (const model of maker.models) {
        expect(unique(model.trims.map((trim) => trim.code))).toBe(true);
        for (const trim of model.trims) {
          expect(Number.isSafeInteger(trim.listPriceKrw)).toBe(true);
          expect(trim.listPriceKrw).toBeGreaterThan(10_000_000);
          expect(trim.listPriceKrw).toBeLessThan(300_000_000);
          expect(FUEL_TYPES).toContain(trim.fuelType);
          expect(BODY_TYPES).toContain(trim.bodyType);
          expect(unique(trim.options.map((option) => option.code))).toBe(true);
          expect(trim.options.every((option) => Number.isSafeInteger(option.priceKrw) && option.priceKrw > 0)).toBe(true);
        }
      }
    }
  });
});

describe('catalog service', () => {
  const backend = createTestBackend(catalogDemoData);
  const catalog = createCatalog(backend);

  it('lists makers, models of a maker, and filters trims', async () => {
    const makers = await catalog.listMakers();
    expect(makers).toHaveLength(catalogDemoData.length);
    const kia = makers.find((maker) => maker.code === 'kia');
    const models = await catalog.listModels(kia?.id);
    expect(models.every((model) => model.makerId === kia?.id)).toBe(true);
    const electricKia = await catalog.listTrims({ makerId: kia?.id, fuelType: 'electric' });
    expect(electricKia.length).toBeGreaterThan(0);
    expect(electricKia.every((trim) => trim.fuelType === 'electric' && trim.makerId === kia?.id)).toBe(true);
  });

  it('returns a trim with maker, model and options', async () => {
    const [trim] = await catalog.listTrims({ bodyType: 'pickup' });
    const detail = await catalog.getTrim(trim?.id ?? 0);
    expect(detail.model.id).toBe(trim?.modelId);
    expect(detail.maker.id).toBe(trim?.makerId);
    expect(detail.options.length).toBeGreaterThan(0);
    await expect(catalog.getTrim(987654)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects unknown filter values', async () => {
    await expect(catalog.listTrims({ fuelType: 'steam' as FuelType })).rejects.toBeInstanceOf(ValidationError);
  });
});
