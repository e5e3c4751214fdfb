import { describe, expect, it } from 'vitest';
import { ReachedGtids } from './reached-gtids.ts';

describe('reached GTIDs', () => {
  it('cover a token when every domain in it was reached at that sequence number or later, whichever server wrote it', () => {
    const reached = new ReachedGtids();
    expect(reached.covers('0-1-1')).toBe(false);
    reached.record('0-1-42,5-2-7');
    expect(reached.covers('0-1-42')).toBe(true);
    expect(reached.covers('0-3-41')).toBe(true);
    expect(reached.covers('5-2-7,0-1-10')).toBe(true);
    expect(reached.covers('0-1-43')).toBe(false);
    expect(reached.covers('0-1-42,6-1-1')).toBe(false);
  });

  it('keep the highest sequence per domain, whatever order the waits end in', () => {
    const reached = new ReachedGtids();
    reached.record('0-1-50');
    reached.record('0-1-20');
    expect(reached.covers('0-1-50')).toBe(true);
    reached.forget();
    expect(reached.covers('0-1-20')).toBe(false);
  });

  it('never cover what they cannot read: malformed GTIDs and sequences past 2^53', () => {
    const reached = new ReachedGtids();
    reached.record('0-1-99999999999999999999,x-1-2,0-1');
    expect(reached.covers('0-1-1')).toBe(false);
    reached.record('0-1-5');
    expect(reached.covers('0-1-5-6')).toBe(false);
    expect(reached.covers('0-1-99999999999999999999')).toBe(false);
    expect(reached.covers('')).toBe(false);
  });
});
