import { describe, expect, it } from 'vitest';
import { BODY_TYPES, FUEL_TYPES } from '@chucar/domain';
import { demoCatalog } from './demo-catalog.ts';

const allTrims = demoCatalog.flatMap((maker) => maker.models.flatMap((model) => model.trims));
const isUnique = (values: string[]) => new Set(values).size === values.length;

describe('demo catalog', () => {
  it('covers the domestic makers and major imports with 60+ trims', () => {
    const codes = demoCatalog.map((maker) => maker.code);
    for (const code of ['hyundai', 'kia', 'genesis', 'chevrolet', 'renault-korea', 'kg-mobility', 'bmw', 'mercedes-benz', 'tesla', 'volvo']) {
      expect(codes).toContain(code);
    }
    expect(allTrims.length).toBeGreaterThanOrEqual(60);
  });

  it('has codes unique per parent, as the unique keys require, and plausible KRW prices', () => {
    expect(isUnique(demoCatalog.map((maker) => maker.code))).toBe(true);
    for (const maker of demoCatalog) {
      expect(isUnique(maker.models.map((model) => model.code))).toBe(true);
      for (const model of maker.models) {
        expect(isUnique(model.trims.map((trim) => trim.code))).toBe(true);
        for (const trim of model.trims) {
          expect(Number.isSafeInteger(trim.listPriceKrw)).toBe(true);
          expect(trim.listPriceKrw).toBeGreaterThan(10_000_000);
          expect(trim.listPriceKrw).toBeLessThan(300_000_000);
          expect(FUEL_TYPES).toContain(trim.fuelType);
          expect(BODY_TYPES).toContain(trim.bodyType);
          expect(isUnique(trim.options.map((option) => option.code))).toBe(true);
          expect(trim.options.every((option) => Number.isSafeInteger(option.priceKrw) && option.priceKrw > 0)).toBe(true);
        }
      }
    }
  });
});
