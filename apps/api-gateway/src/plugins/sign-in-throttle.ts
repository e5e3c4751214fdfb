import { createHash, randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import {
  SIGN_IN_SUCCESS_EFFECT,
  SIGN_IN_THROTTLE_SCOPES,
  UnauthenticatedError,
  normalizeEmail,
  signInDelaySteps,
  type SignInThrottlePolicy,
  type SignInThrottleScope,
} from '@chucar/domain';
import { HttpProblem } from '@chucar/platform';
import { DEFAULT_GATEWAY_REDIS_KEY_PREFIX, type GatewayConfig } from '../config.ts';
import { clientNetwork } from './sign-in-throttle-address.ts';
import { acquireSignInAttempt, restartSignInWaits, settleSignInAttempt } from './sign-in-throttle-scripts.ts';

export interface SignInThrottle {
  readonly policy: SignInThrottlePolicy;
  /**
   * Runs `checkPassword` for `email` from the request's client address unless a wait is due
   * (then a 429 with Retry-After, without checking anything). A rejection with
   * UnauthenticatedError counts as a failed sign-in; success clears the account's counters.
   */
  attempt<T>(request: FastifyRequest, email: string, checkPassword: () => Promise<T>): Promise<T>;
}

declare module 'fastify' {
  interface FastifyInstance {
    signInThrottle: SignInThrottle;
  }
}

type ScopeKeys = Record<SignInThrottleScope, { failures: string; blocked: string }>;

/** Key names carry hashes only, so a listing of Redis shows neither emails nor addresses. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

/** The Redis keys counting sign-ins for `email` from `address`, one pair per scope, under the gateway's key prefix. */
export function signInThrottleKeys(email: string, address: string, gatewayKeyPrefix = DEFAULT_GATEWAY_REDIS_KEY_PREFIX): ScopeKeys {
  const keyPrefix = `${gatewayKeyPrefix}sign-in:`;
  const account = normalizeEmail(email);
  const network = clientNetwork(address);
  const ids: Record<SignInThrottleScope, string> = { accountAtAddress: digest(`${account}\n${network}`), address: digest(network), account: digest(account) };
  const keysOf = (scope: SignInThrottleScope) => ({ failures: `${keyPrefix}${scope}:${ids[scope]}:failures`, blocked: `${keyPrefix}${scope}:${ids[scope]}:blocked` });
  return { accountAtAddress: keysOf('accountAtAddress'), address: keysOf('address'), account: keysOf('account') };
}

export function signInThrottlePolicyOf(config: GatewayConfig): SignInThrottlePolicy {
  const firstDelayMs = config.SIGN_IN_FIRST_DELAY_MS;
  return {
    accountAtAddress: { freeFailures: config.SIGN_IN_FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS, firstDelayMs, maxDelayMs: config.SIGN_IN_MAX_DELAY_MS },
    address: { freeFailures: config.SIGN_IN_FREE_FAILURES_PER_ADDRESS, firstDelayMs, maxDelayMs: config.SIGN_IN_MAX_DELAY_MS },
    account: { freeFailures: config.SIGN_IN_FREE_FAILURES_PER_ACCOUNT, firstDelayMs, maxDelayMs: config.SIGN_IN_ACCOUNT_MAX_DELAY_MS },
    failureMemoryMs: config.SIGN_IN_FAILURE_MEMORY_MS,
  };
}

type Acquired = { waitMs: number; scope: SignInThrottleScope | undefined } | { waitMs: 0; delaysMs: number[] };

function parseAcquired(reply: unknown): Acquired {
  if (!Array.isArray(reply) || !reply.every((value): value is number => typeof value === 'number')) {
    throw new Error(`unexpected reply from the sign-in throttle script: ${JSON.stringify(reply)}`);
  }
  const [waitMs = 0, scopeNumber = 0, ...delaysMs] = reply;
  return waitMs > 0 ? { waitMs, scope: SIGN_IN_THROTTLE_SCOPES[scopeNumber - 1] } : { waitMs: 0, delaysMs };
}

function tooManyAttempts(waitMs: number): HttpProblem {
  const retryAfterSeconds = Math.ceil(waitMs / 1000);
  // The same answer whichever scope is blocked, and whether or not the account exists.
  return new HttpProblem(429, 'too_many_sign_in_attempts', `too many failed sign-in attempts; retry in ${retryAfterSeconds} s`, { 'retry-after': String(retryAfterSeconds) });
}

const uncountEverywhere: Record<SignInThrottleScope, 'clear' | 'uncount'> = { accountAtAddress: 'uncount', address: 'uncount', account: 'uncount' };

/**
 * Throttles failed sign-ins per account and address, per address and per account, counted in
 * Redis so every gateway shares the counts. If Redis cannot answer, sign-in goes on unthrottled
 * (as the rate limiter does) and the gap is logged.
 */
export const signInThrottlePlugin = fp<{ config: GatewayConfig }>(
  async (app, { config }) => {
    const policy = signInThrottlePolicyOf(config);
    const rules = JSON.stringify(SIGN_IN_THROTTLE_SCOPES.map((scope) => ({ free: policy[scope].freeFailures, steps: signInDelaySteps(policy[scope]), memoryMs: policy.failureMemoryMs })));

    /** Bookkeeping after the password check: a Redis failure here is logged, never the caller's problem. */
    async function afterCheck(request: FastifyRequest, what: string, command: () => Promise<unknown>): Promise<void> {
      await command().catch((error: unknown) => request.log.error({ err: error }, `sign-in throttle could not ${what} (Redis unavailable)`));
    }

    async function attempt<T>(request: FastifyRequest, email: string, checkPassword: () => Promise<T>): Promise<T> {
      const scopeKeys = signInThrottleKeys(email, request.ip, config.GATEWAY_REDIS_KEY_PREFIX);
      const keys = SIGN_IN_THROTTLE_SCOPES.flatMap((scope) => [scopeKeys[scope].failures, scopeKeys[scope].blocked]);
      const blockedKeys = SIGN_IN_THROTTLE_SCOPES.map((scope) => scopeKeys[scope].blocked);
      const attemptId = randomUUID();
      const settle = (effects: Record<SignInThrottleScope, 'clear' | 'uncount'>) =>
        afterCheck(request, 'settle an attempt', () => app.redis.eval(settleSignInAttempt, keys.length, ...keys, attemptId, ...SIGN_IN_THROTTLE_SCOPES.map((scope) => effects[scope])));

      let acquired: Acquired;
      try {
        acquired = parseAcquired(await app.redis.eval(acquireSignInAttempt, keys.length, ...keys, attemptId, rules));
      } catch (error) {
        request.log.error({ err: error }, 'sign-in throttle unavailable (Redis); this attempt is not throttled');
        return checkPassword();
      }
      if (!('delaysMs' in acquired)) {
        request.log.info({ signInThrottle: { scope: acquired.scope, waitMs: acquired.waitMs } }, 'sign-in throttled');
        throw tooManyAttempts(acquired.waitMs);
      }
      const { delaysMs } = acquired;

      let result: T;
      try {
        result = await checkPassword();
      } catch (error) {
        if (error instanceof UnauthenticatedError) {
          if (delaysMs.some((delayMs) => delayMs > 0)) await afterCheck(request, 'restart its waits', () => app.redis.eval(restartSignInWaits, blockedKeys.length, ...blockedKeys, attemptId, ...delaysMs));
        } else {
          // Not a wrong password (a suspended account, an outage): not a guess, so not a failure.
          await settle(uncountEverywhere);
        }
        throw error;
      }
      await settle(SIGN_IN_SUCCESS_EFFECT);
      return result;
    }

    app.decorate('signInThrottle', { policy, attempt });
  },
  { name: 'sign-in-throttle', dependencies: ['redis', 'problem-details'] },
);
