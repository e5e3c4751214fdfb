import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStorageAvailability, type StorageState } from './storage-availability.ts';
import { StorageUnavailableError } from './storage-errors.ts';

describe('storage availability', () => {
  afterEach(() => vi.useRealTimers());
  const outage = new StorageUnavailableError('PUT k: ECONNREFUSED');

  it('holds briefly, then longer, and declares S3 down after repeated errors; a success resets the count', () => {
    const availability = createStorageAvailability({ probe: () => new Promise(() => undefined), failuresBeforeDown: 3, probeIntervalMs: 2000, firstPauseMs: 250 });
    expect(availability.recordUnavailable(outage)).toBe(250);
    availability.recordAvailable();
    expect(availability.recordUnavailable(outage)).toBe(250);
    expect(availability.recordUnavailable(outage)).toBe(500);
    expect(availability.state).toBe('up');
    expect(availability.recordUnavailable(outage)).toBe(2000);
    expect(availability.state).toBe('down');
    availability.close();
  });

  it('probes the bucket while down and comes back up when it answers', async () => {
    vi.useFakeTimers();
    let answers = false;
    const probe = vi.fn(async () => {
      if (!answers) throw new StorageUnavailableError('HEAD bucket: ECONNREFUSED');
    });
    const changes: [StorageState, string][] = [];
    const availability = createStorageAvailability({ probe, failuresBeforeDown: 1, probeIntervalMs: 1000, onStateChange: (state, detail) => void changes.push([state, detail]) });
    availability.recordUnavailable(outage);
    expect(availability.state).toBe('down');
    await vi.advanceTimersByTimeAsync(3500);
    expect(probe).toHaveBeenCalledTimes(3);
    expect(availability.state).toBe('down');
    answers = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(availability.state).toBe('up');
    expect(changes).toEqual([
      ['down', 'PUT k: ECONNREFUSED'],
      ['up', 'the bucket answers again'],
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(probe).toHaveBeenCalledTimes(4);
    availability.close();
  });
});
