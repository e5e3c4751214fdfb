import { describe, expect, it } from 'vitest';
import { testCatalog } from '../catalog-fixture.ts';
import type { OpenRepositories } from './world.ts';

export function catalogCases(open: OpenRepositories): void {
  describe('catalog', () => {
    async function loaded() {
      const repos = await open(testCatalog);
      const makers = await repos.catalog.listMakers();
      const models = await repos.catalog.listModels();
      const idOf = <R extends { id: number; code: string }>(rows: R[], code: string) => rows.find((row) => row.code === code)?.id ?? -1;
      return { repos, makers, models, makerId: (code: string) => idOf(makers, code), modelId: (code: string) => idOf(models, code) };
    }
    const codes = (rows: { code: string }[]) => rows.map((row) => row.code);

    it('lists makers by name', async () => {
      const { makers } = await loaded();
      expect(codes(makers)).toEqual(['bmw', 'hyundai', 'kia']);
      expect(makers.find((maker) => maker.code === 'bmw')).toEqual({ id: expect.any(Number), code: 'bmw', name: 'BMW', nameKo: 'BMW', countryCode: 'DE' });
    });

    it('lists models by name, all of them or one maker’s', async () => {
      const { repos, models, makerId } = await loaded();
      expect(codes(models)).toEqual(['5-series', 'ev6', 'sonata', 'tasman']);
      const kia = await repos.catalog.listModels(makerId('kia'));
      expect(codes(kia)).toEqual(['ev6', 'tasman']);
      expect(kia.every((model) => model.makerId === makerId('kia'))).toBe(true);
    });

    it('lists trims cheapest first, narrowed by maker, model, fuel and body type', async () => {
      const { repos, makerId, modelId } = await loaded();
      const trimCodes = async (filter: Parameters<typeof repos.catalog.listTrims>[0]) => codes(await repos.catalog.listTrims(filter));
      expect(await trimCodes({})).toEqual(['premium', 'hybrid', 'light', 'x-pro', 'gt-line', '520i']);
      expect(await trimCodes({ makerId: makerId('kia') })).toEqual(['light', 'x-pro', 'gt-line']);
      expect(await trimCodes({ modelId: modelId('ev6') })).toEqual(['light', 'gt-line']);
      expect(await trimCodes({ fuelType: 'electric' })).toEqual(['light', 'gt-line']);
      expect(await trimCodes({ bodyType: 'sedan' })).toEqual(['premium', 'hybrid', '520i']);
      expect(await trimCodes({ makerId: makerId('kia'), bodyType: 'pickup' })).toEqual(['x-pro']);
      expect(await trimCodes({ makerId: makerId('hyundai'), fuelType: 'electric' })).toEqual([]);
    });

    it('finds a trim with its maker, model and options in catalog order; an unknown id finds nothing', async () => {
      const { repos, makers, models } = await loaded();
      const [pickup] = await repos.catalog.listTrims({ bodyType: 'pickup' });
      if (!pickup) throw new Error('the contract catalog has a pickup');
      expect(pickup).toEqual({
        id: expect.any(Number),
        modelId: models.find((model) => model.code === 'tasman')?.id,
        makerId: makers.find((maker) => maker.code === 'kia')?.id,
        code: 'x-pro',
        name: 'X-Pro',
        modelYear: 2026,
        fuelType: 'diesel',
        bodyType: 'pickup',
        listPriceKrw: 52_000_000,
      });
      const detail = await repos.catalog.findTrimDetail(pickup.id);
      expect(detail).toEqual({
        ...pickup,
        maker: makers.find((maker) => maker.code === 'kia'),
        model: models.find((model) => model.code === 'tasman'),
        options: [
          { id: expect.any(Number), trimId: pickup.id, code: 'TOW', name: '트레일러 토잉 패키지', priceKrw: 500_000 },
          { id: expect.any(Number), trimId: pickup.id, code: 'SUNROOF', name: '선루프', priceKrw: 500_000 },
        ],
      });
      expect(await repos.catalog.findTrimDetail(999_999)).toBeUndefined();
    });
  });
}
