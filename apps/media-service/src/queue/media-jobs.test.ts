import { describe, expect, it } from 'vitest';
import { jobIdFor } from './media-jobs.ts';

describe('media job ids', () => {
  const mediaId = '0b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';

  it('derive from the job and the media, without the colon BullMQ forbids', () => {
    expect(jobIdFor('store', mediaId)).toBe(`store-${mediaId}`);
    expect(jobIdFor('variants', mediaId)).toBe(`variants-${mediaId}`);
  });

  it('refuse anything but a media id', () => {
    expect(() => jobIdFor('store', 'a:b')).toThrow(/lowercase UUID/);
    expect(() => jobIdFor('store', '')).toThrow(/lowercase UUID/);
  });
});
