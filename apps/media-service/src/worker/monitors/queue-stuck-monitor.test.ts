import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createQueueStuckMonitor, type QueueProgress } from './queue-stuck-monitor.ts';

function monitorWith(stuckAfterMs: number) {
  let clock = 1_000_000;
  let progress: QueueProgress = { waiting: 0, completedTotal: 0, heldForStorage: false };
  const changes: boolean[] = [];
  const monitor = createQueueStuckMonitor({ readProgress: async () => progress, stuckAfterMs, checkEveryMs: 1000, log: pino({ level: 'silent' }), now: () => clock, onStateChange: (stuck) => changes.push(stuck) });
  return {
    monitor,
    changes,
    set: (next: Partial<QueueProgress>) => void (progress = { ...progress, ...next }),
    advance: (ms: number) => void (clock += ms),
  };
}

describe('stuck queue', () => {
  it('is stuck once work waited the whole period with nothing completing, and moves again at the next completion', async () => {
    const { monitor, changes, set, advance } = monitorWith(60_000);
    await monitor.checkNow();
    set({ waiting: 3 });
    await monitor.checkNow();
    advance(59_000);
    expect((await monitor.checkNow()).stuck).toBe(false);
    advance(1000);
    expect(await monitor.checkNow()).toMatchObject({ stuck: true, waiting: 3 });
    set({ completedTotal: 1 });
    advance(1000);
    expect((await monitor.checkNow()).stuck).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it('is never stuck while jobs complete, nor when nothing waits', async () => {
    const { monitor, set, advance } = monitorWith(10_000);
    set({ waiting: 50 });
    for (let minute = 1; minute <= 5; minute += 1) {
      set({ completedTotal: minute });
      advance(9000);
      expect((await monitor.checkNow()).stuck).toBe(false);
    }
    set({ waiting: 0 });
    advance(60_000);
    expect((await monitor.checkNow()).stuck).toBe(false);
  });

  it('keeps its verdict when Redis does not answer', async () => {
    let fail = false;
    const monitor = createQueueStuckMonitor({
      readProgress: async () => (fail ? Promise.reject(new Error('no answer from Redis')) : { waiting: 0, completedTotal: 0, heldForStorage: false }),
      stuckAfterMs: 1000,
      checkEveryMs: 1000,
      log: pino({ level: 'silent' }),
    });
    await monitor.checkNow();
    fail = true;
    expect(await monitor.checkNow()).toMatchObject({ stuck: false, lastError: 'no answer from Redis' });
  });
});
