import { describe, expect, it } from 'vitest';
import { requeueDecision } from './media-operations.ts';

describe('requeueDecision', () => {
  it('sends failed media back to store and failed previews back to variants', () => {
    expect(requeueDecision({ status: 'failed', variantsStatus: 'pending' })).toEqual({ job: 'store' });
    expect(requeueDecision({ status: 'failed', variantsStatus: 'none' })).toEqual({ job: 'store' });
    expect(requeueDecision({ status: 'stored', variantsStatus: 'failed' })).toEqual({ job: 'variants' });
  });

  it('refuses everything that did not fail, saying why', () => {
    for (const status of ['spooled', 'deleted', 'lost'] as const) {
      const decision = requeueDecision({ status: status as 'spooled', variantsStatus: 'failed' });
      expect(decision.job).toBeNull();
      expect(decision).toHaveProperty('reason', `its status is ${status}, not failed`);
    }
    expect(requeueDecision({ status: 'stored', variantsStatus: 'ready' })).toEqual({ job: null, reason: 'it is stored and its previews are ready, nothing failed' });
  });
});
