import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPeriodicTask, type PeriodicTaskLogger } from './periodic-task.ts';

function recordingLogger() {
  const warnings: { details: object; message: string }[] = [];
  const logger: PeriodicTaskLogger = { warn: (details, message) => void warnings.push({ details, message }) };
  return { logger, warnings };
}

/** A run the test finishes by hand, to hold a run in flight across ticks. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

async function sample(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))?.value;
}

describe('createPeriodicTask', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs once per interval after start and not after stop', async () => {
    vi.useFakeTimers();
    const run = vi.fn(async () => {});
    const task = createPeriodicTask({ name: 'tick_test', intervalMs: 1000, run, logger: recordingLogger().logger });
    await task.start();
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3000);
    expect(run).toHaveBeenCalledTimes(3);
    await task.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs at start and waits for that run when asked to', async () => {
    let ran = false;
    const task = createPeriodicTask({
      name: 'start_test',
      intervalMs: 60_000,
      runAtStart: true,
      run: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        ran = true;
      },
      logger: recordingLogger().logger,
    });
    await task.start();
    expect(ran).toBe(true);
    await task.stop();
  });

  it('skips a tick while the previous run is in flight, and counts the skip', async () => {
    vi.useFakeTimers();
    const registry = new Registry();
    const slow = gate();
    let started = 0;
    const task = createPeriodicTask({
      name: 'overlap_test',
      intervalMs: 100,
      registry,
      run: async () => {
        started += 1;
        if (started === 1) await slow.opened;
      },
      logger: recordingLogger().logger,
    });
    await task.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(task.running).toBe(true);
    await vi.advanceTimersByTimeAsync(300);
    expect(started).toBe(1);
    expect(await sample(registry, 'periodic_task_runs_total', { task: 'overlap_test', outcome: 'skipped' })).toBe(3);
    slow.open();
    await vi.advanceTimersByTimeAsync(100);
    expect(started).toBe(2);
    await task.stop();
  });

  it('runNow joins the run in flight instead of starting a second one', async () => {
    const slow = gate();
    const run = vi.fn(() => slow.opened);
    const task = createPeriodicTask({ name: 'join_test', intervalMs: 60_000, run, logger: recordingLogger().logger });
    const first = task.runNow();
    const second = task.runNow();
    expect(run).toHaveBeenCalledTimes(1);
    slow.open();
    await Promise.all([first, second]);
    expect(task.running).toBe(false);
  });

  it('logs a failing run with the task name and keeps ticking', async () => {
    vi.useFakeTimers();
    const registry = new Registry();
    const { logger, warnings } = recordingLogger();
    let calls = 0;
    const task = createPeriodicTask({
      name: 'failing_test',
      intervalMs: 100,
      registry,
      run: async () => {
        calls += 1;
        if (calls === 1) throw new Error('database unreachable');
      },
      logger,
    });
    await task.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(calls).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toBe('failing_test failed; trying again in 100 ms');
    expect(warnings[0]?.details).toMatchObject({ task: 'failing_test', err: { message: 'database unreachable' } });
    expect(await sample(registry, 'periodic_task_runs_total', { task: 'failing_test', outcome: 'failure' })).toBe(1);
    expect(await sample(registry, 'periodic_task_runs_total', { task: 'failing_test', outcome: 'success' })).toBe(1);
    await task.stop();
  });

  it('records the time of the last success, per task, in one shared registry', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-02T03:00:00Z') });
    const registry = new Registry();
    const logger = recordingLogger().logger;
    const good = createPeriodicTask({ name: 'good_task', intervalMs: 1000, registry, run: async () => {}, logger });
    const bad = createPeriodicTask({ name: 'bad_task', intervalMs: 1000, registry, run: () => Promise.reject(new Error('no')), logger });
    await good.runNow();
    await bad.runNow();
    expect(await sample(registry, 'periodic_task_last_success_timestamp_seconds', { task: 'good_task' })).toBe(Date.parse('2026-11-02T03:00:00Z') / 1000);
    expect(await sample(registry, 'periodic_task_last_success_timestamp_seconds', { task: 'bad_task' })).toBeUndefined();
  });

  it('stop waits for the run in flight (real timers)', async () => {
    const events: string[] = [];
    const task = createPeriodicTask({
      name: 'stop_test',
      intervalMs: 10,
      run: async () => {
        events.push('run started');
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push('run finished');
      },
      logger: recordingLogger().logger,
    });
    await task.start();
    await vi.waitFor(() => expect(task.running).toBe(true));
    await task.stop();
    events.push('stopped');
    expect(events).toEqual(['run started', 'run finished', 'stopped']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(events).toHaveLength(3);
  });
});
