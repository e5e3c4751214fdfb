import { describe, expect, it } from 'vitest';
import { DEFAULT_SIGN_IN_THROTTLE, SIGN_IN_THROTTLE_SCOPES, signInDelayMs, signInDelaySteps, type SignInDelayRule } from './sign-in-throttle.ts';

const rule: SignInDelayRule = { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 10_000 };

describe('signInDelayMs', () => {
  it('costs nothing before the free failures are used up', () => {
    expect([0, 1, 2].map((failures) => signInDelayMs(rule, failures))).toEqual([0, 0, 0]);
  });

  it('starts at the first delay and doubles with each further failure, up to the cap', () => {
    expect([3, 4, 5, 6, 7, 8].map((failures) => signInDelayMs(rule, failures))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('stays at the cap however many failures pile up', () => {
    expect(signInDelayMs(rule, 5000)).toBe(10_000);
    expect(signInDelayMs(rule, Number.MAX_SAFE_INTEGER)).toBe(10_000);
  });

  it('never waits with a zero first delay, even after many failures', () => {
    expect(signInDelayMs({ ...rule, firstDelayMs: 0 }, 10_000)).toBe(0);
  });
});

describe('signInDelaySteps', () => {
  it('lists the delays from the first to the cap', () => {
    expect(signInDelaySteps(rule)).toEqual([1000, 2000, 4000, 8000, 10_000]);
  });

  it('agrees with signInDelayMs for every count when looked up the documented way', () => {
    const steps = signInDelaySteps(rule);
    for (let failures = rule.freeFailures; failures < rule.freeFailures + 20; failures++) {
      expect(steps[Math.min(failures - rule.freeFailures, steps.length - 1)]).toBe(signInDelayMs(rule, failures));
    }
  });

  it('is the cap alone when the first delay already reaches it, and one zero when there is no delay', () => {
    expect(signInDelaySteps({ ...rule, firstDelayMs: 20_000 })).toEqual([10_000]);
    expect(signInDelaySteps({ ...rule, firstDelayMs: 0 })).toEqual([0]);
  });

  it('stays short with a huge allowance (the list does not grow with freeFailures)', () => {
    expect(signInDelaySteps({ ...rule, freeFailures: 100_000 })).toHaveLength(5);
  });
});

describe('the default policy', () => {
  const policy = DEFAULT_SIGN_IN_THROTTLE;

  it('lets a few mistakes through before anyone waits', () => {
    for (const scope of SIGN_IN_THROTTLE_SCOPES) expect(policy[scope].freeFailures, scope).toBeGreaterThanOrEqual(3);
  });

  it('bounds every wait: nothing locks an account for good', () => {
    for (const scope of SIGN_IN_THROTTLE_SCOPES) expect(signInDelayMs(policy[scope], 1_000_000), scope).toBeLessThanOrEqual(15 * 60_000);
  });

  it('keeps the per-account wait short, so failures from elsewhere delay the real user by seconds at most', () => {
    expect(signInDelayMs(policy.account, 1_000_000)).toBeLessThanOrEqual(60_000);
  });

  it('holds one address on one account at least as long as that account is held for everyone', () => {
    // A single attacker address can therefore never keep the account waiting longer than it waits itself.
    for (let failures = 0; failures < 50; failures++) {
      expect(signInDelayMs(policy.account, failures), `${failures} failures`).toBeLessThanOrEqual(signInDelayMs(policy.accountAtAddress, failures));
    }
  });

  it('allows an address more failures than one account, for people sharing an address', () => {
    expect(policy.address.freeFailures).toBeGreaterThan(policy.accountAtAddress.freeFailures);
  });
});
