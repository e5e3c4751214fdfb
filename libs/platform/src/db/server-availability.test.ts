import { describe, expect, it } from 'vitest';
import { watchServerAvailability } from './server-availability.ts';

describe('watchServerAvailability', () => {
  it('goes down on a failed probe or a reported failure, and up again on the next good probe', async () => {
    let answering = true;
    const changes: boolean[] = [];
    const availability = watchServerAvailability({
      probe: async () => {
        if (!answering) throw new Error('ECONNREFUSED');
      },
      intervalMs: 60_000,
      probeTimeoutMs: 100,
      onChange: (up) => changes.push(up),
    });
    await availability.start();
    expect(availability.isUp()).toBe(true);

    answering = false;
    availability.reportFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(availability.isUp()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the probe it started failed too
    expect(availability.isUp()).toBe(false);

    answering = true;
    availability.reportFailure(new Error('one more'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(availability.isUp()).toBe(true);
    expect(changes).toEqual([false, true]);
    await availability.stop();
  });

  it('counts a probe that never answers as down', async () => {
    const availability = watchServerAvailability({ probe: () => new Promise(() => {}), intervalMs: 60_000, probeTimeoutMs: 20 });
    await availability.start();
    expect(availability.state()).toMatchObject({ up: false, lastError: 'availability probe: no answer within 20 ms' });
    await availability.stop();
  });
});
