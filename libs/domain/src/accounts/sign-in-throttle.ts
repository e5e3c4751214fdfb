/**
 * How failed sign-ins slow down the next attempts (OWASP Authentication Cheat Sheet): a few
 * failures are free, then each further failure doubles the wait, up to a cap. Every wait ends on
 * its own, so nobody can lock an account for good. Whoever counts the failures (the gateway, in
 * Redis) applies these numbers.
 */

/** The rule for one counter. */
export interface SignInDelayRule {
  /** Failures without any wait; the failure that reaches this number starts the first delay. */
  freeFailures: number;
  firstDelayMs: number;
  /** The longest wait, however many failures. */
  maxDelayMs: number;
}

/** The counters a failed sign-in adds to, from the narrowest to the widest. */
export const SIGN_IN_THROTTLE_SCOPES = ['accountAtAddress', 'address', 'account'] as const;
export type SignInThrottleScope = (typeof SIGN_IN_THROTTLE_SCOPES)[number];

export interface SignInThrottlePolicy {
  /** One account from one client address: a guesser at one address is held longest here. */
  accountAtAddress: SignInDelayRule;
  /** Every account from one address: stops one address spraying a common password over many accounts. */
  address: SignInDelayRule;
  /**
   * One account from every address: slows guessing spread over many addresses. Anyone can raise
   * this counter, so its cap is short: the real user never waits longer than that because of it.
   */
  account: SignInDelayRule;
  /** How long failures are remembered after the wait they caused has ended. */
  failureMemoryMs: number;
}

const minuteMs = 60_000;

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = {
  accountAtAddress: { freeFailures: 5, firstDelayMs: 1000, maxDelayMs: 15 * minuteMs },
  // Higher than one account's allowance: offices and mobile carriers put many people behind one address.
  address: { freeFailures: 20, firstDelayMs: 1000, maxDelayMs: 15 * minuteMs },
  account: { freeFailures: 10, firstDelayMs: 1000, maxDelayMs: 30_000 },
  failureMemoryMs: 15 * minuteMs,
};

/**
 * What a correct password does to each counter: the account's counters are cleared; the address
 * only takes this attempt back, since an attacker could otherwise clear the address's failures
 * by signing in to an account of their own.
 */
export const SIGN_IN_SUCCESS_EFFECT: Readonly<Record<SignInThrottleScope, 'clear' | 'uncount'>> = {
  accountAtAddress: 'clear',
  address: 'uncount',
  account: 'clear',
};

/** The wait before the next attempt once a counter holds `failures`. */
export function signInDelayMs(rule: SignInDelayRule, failures: number): number {
  if (failures < rule.freeFailures) return 0;
  // 2 ** 60 already passes any cap; bounding the exponent keeps the product finite.
  const doublings = Math.min(failures - rule.freeFailures, 60);
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** doublings);
}

/**
 * The delays from the first to the cap: after `freeFailures + i` failures the wait is
 * `steps[min(i, steps.length - 1)]`. An atomic counter (a Redis script) looks delays up here
 * instead of restating the formula.
 */
export function signInDelaySteps(rule: SignInDelayRule): number[] {
  const steps: number[] = [];
  for (let failures = rule.freeFailures; ; failures++) {
    const delayMs = signInDelayMs(rule, failures);
    steps.push(delayMs);
    // A zero first delay never grows: one step says "no wait".
    if (delayMs >= rule.maxDelayMs || delayMs <= 0) return steps;
  }
}
