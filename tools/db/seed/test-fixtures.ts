/** Inputs for the generator's unit tests: the real demo catalog with made-up ids, and a fixed clock. */
import { demoCatalog } from './demo-catalog.ts';
import type { CatalogTrim } from './seed-rows.ts';

export const FIXED_NOW = new Date('2026-06-15T03:00:00.000Z');

export function demoCatalogTrims(): CatalogTrim[] {
  let makerId = 0;
  let modelId = 0;
  let trimId = 0;
  return demoCatalog.flatMap((maker) => {
    makerId += 1;
    const currentMaker = makerId;
    return maker.models.flatMap((model) => {
      modelId += 1;
      const currentModel = modelId;
      return model.trims.map((trim) => {
        trimId += 1;
        return {
          trimId,
          makerId: currentMaker,
          modelId: currentModel,
          modelCode: model.code,
          countryCode: maker.countryCode,
          listPriceKrw: trim.listPriceKrw,
          options: trim.options,
        };
      });
    });
  });
}
