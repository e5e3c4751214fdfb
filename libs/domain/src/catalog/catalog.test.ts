import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../errors.ts';
import { testCatalog } from '../testing/catalog-fixture.ts';
import { createTestBackend } from '../testing/test-backend.ts';
import { createCatalog } from './catalog.service.ts';
import type { BodyType, FuelType } from './catalog.types.ts';

describe('catalog service', () => {
  const catalog = createCatalog(createTestBackend(testCatalog));

  it('lists makers, models of a maker, and filters trims', async () => {
    const makers = await catalog.listMakers();
    expect(makers.map((maker) => maker.code)).toEqual(['bmw', 'hyundai', 'kia']);
    const kia = makers.find((maker) => maker.code === 'kia');
    const models = await catalog.listModels(kia?.id);
    expect(models.map((model) => model.code)).toEqual(['ev6', 'tasman']);
    const electricKia = await catalog.listTrims({ makerId: kia?.id, fuelType: 'electric' });
    expect(electricKia.map((trim) => trim.code)).toEqual(['light', 'gt-line']);
  });

  it('returns a trim with maker, model and options', async () => {
    const [pickup] = await catalog.listTrims({ bodyType: 'pickup' });
    const detail = await catalog.getTrim(pickup?.id ?? 0);
    expect(detail).toMatchObject({ code: 'x-pro', maker: { code: 'kia' }, model: { code: 'tasman' } });
    expect(detail.options.map((option) => option.code)).toEqual(['TOW', 'SUNROOF']);
    await expect(catalog.getTrim(987654)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects unknown filter values', async () => {
    await expect(catalog.listTrims({ fuelType: 'steam' as FuelType })).rejects.toBeInstanceOf(ValidationError);
    await expect(catalog.listTrims({ bodyType: 'tank' as BodyType })).rejects.toBeInstanceOf(ValidationError);
  });
});
