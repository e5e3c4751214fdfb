import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './restart-policy.ts';

describe('RestartPolicy', () => {
  it('doubles the delay from 1 s up to 30 s while the process keeps crashing', () => {
    const policy = new RestartPolicy();
    const delays: number[] = [];
    let now = 0;
    for (let restart = 0; restart < 8; restart += 1) {
      policy.started(now);
      now += 100;
      const decision = policy.exited(now);
      delays.push(decision.delayMs);
      now += decision.delayMs;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts again from 1 s after a minute of health', () => {
    const policy = new RestartPolicy();
    policy.started(0);
    expect(policy.exited(10).delayMs).toBe(1000);
    policy.started(1010);
    expect(policy.exited(1020).delayMs).toBe(2000);
    policy.started(3020);
    const afterHealthyMinute = policy.exited(3020 + 60_000);
    expect(afterHealthyMinute).toMatchObject({ delayMs: 1000, restartsInARow: 1 });
  });

  it('calls five restarts within two minutes a crash loop, reported once, and clears it after a healthy minute', () => {
    const policy = new RestartPolicy();
    let now = 0;
    const decisions = [];
    for (let restart = 0; restart < 6; restart += 1) {
      policy.started(now);
      now += 500;
      const decision = policy.exited(now);
      decisions.push(decision);
      now += decision.delayMs;
    }
    expect(decisions.map((decision) => decision.crashLooping)).toEqual([false, false, false, false, true, true]);
    expect(decisions.map((decision) => decision.crashLoopStarted)).toEqual([false, false, false, false, true, false]);
    policy.started(now);
    expect(policy.checkHealthy(now + 59_999)).toBe(false);
    expect(policy.crashLooping).toBe(true);
    expect(policy.checkHealthy(now + 60_000)).toBe(true);
    expect(policy.crashLooping).toBe(false);
  });

  it('does not count restarts spread over more than two minutes as a loop', () => {
    const policy = new RestartPolicy();
    let now = 0;
    for (let restart = 0; restart < 10; restart += 1) {
      policy.started(now);
      now += 40_000; // up 40 s each time: never healthy for a minute, but only three exits per two minutes
      expect(policy.exited(now).crashLooping).toBe(false);
      now += 1;
    }
  });
});
