import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createStorageMonitor } from './storage-monitor.ts';

describe('storage monitor', () => {
  it('declares a store down after two failed probes in a row, up at its first answer, each store apart', async () => {
    let mirrorAnswers = true;
    const changes: string[] = [];
    const monitor = createStorageMonitor({
      stores: [
        { name: 'primary', probe: async () => undefined },
        {
          name: 'mirror',
          probe: async () => {
            if (!mirrorAnswers) throw new Error('connect ECONNREFUSED');
          },
        },
      ],
      log: pino({ level: 'silent' }),
      intervalMs: 60_000,
      timeoutMs: 100,
      onStateChange: (store, state) => changes.push(`${store} ${state}`),
    });
    await monitor.checkNow();
    mirrorAnswers = false;
    await monitor.checkNow();
    expect(monitor.state('mirror')).toBe('up');
    await monitor.checkNow();
    expect(monitor.state('mirror')).toBe('down');
    expect(monitor.state('primary')).toBe('up');
    expect(monitor.status().find((store) => store.name === 'mirror')?.lastError).toMatch(/ECONNREFUSED/);
    mirrorAnswers = true;
    await monitor.checkNow();
    expect(monitor.state('mirror')).toBe('up');
    expect(changes).toEqual(['mirror down', 'mirror up']);
    await monitor.close();
  });

  it('counts a probe that hangs past its timeout as a failure', async () => {
    const monitor = createStorageMonitor({
      stores: [{ name: 'primary', probe: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('timed out')))) }],
      log: pino({ level: 'silent' }),
      intervalMs: 60_000,
      timeoutMs: 20,
      failuresBeforeDown: 1,
    });
    await monitor.checkNow();
    expect(monitor.state('primary')).toBe('down');
    await monitor.close();
  });

  it('closes after the probe round in flight, and probes no more', async () => {
    let release = () => {};
    let probes = 0;
    const monitor = createStorageMonitor({
      stores: [
        {
          name: 'primary',
          probe: () => {
            probes += 1;
            return new Promise<void>((resolve) => {
              release = resolve;
            });
          },
        },
      ],
      log: pino({ level: 'silent' }),
      intervalMs: 10,
      timeoutMs: 1000,
    });
    await monitor.start();
    let closed = false;
    const closing = monitor.close().then(() => void (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);
    release();
    await closing;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probes).toBe(1);
  });

  it('refuses two stores of one name', () => {
    const store = { name: 'primary', probe: async () => undefined };
    expect(() => createStorageMonitor({ stores: [store, store], log: pino({ level: 'silent' }), intervalMs: 1000, timeoutMs: 100 })).toThrow(/two stores/);
  });
});
