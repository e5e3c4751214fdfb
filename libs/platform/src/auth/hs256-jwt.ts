/**
 * The one place JWTs are signed and verified (fast-jwt): HS256 only, so a token naming `none` or
 * another algorithm is refused before its claims are read; every verifier requires its claims,
 * bounds a token's age from `iat` whatever its `exp` says, and tolerates a few seconds of clock skew.
 */
import { createSigner, createVerifier } from 'fast-jwt';

/** Shorter HMAC keys can be guessed offline from one captured token. */
export const MIN_HS256_SECRET_LENGTH = 32;
/** Clocks of the signing and the verifying process may disagree by this much. */
export const DEFAULT_CLOCK_TOLERANCE_MS = 5_000;
/** Our tokens carry a few short claims (about 200 characters); anything far longer is not one of them. */
export const DEFAULT_MAX_TOKEN_LENGTH = 1024;

export type JwtClaims = Readonly<Record<string, unknown>>;

export interface Hs256SignerOptions {
  secret: string;
  lifetimeSeconds: number;
  issuer?: string;
  audience?: string;
}

export interface Hs256VerifierOptions {
  secret: string;
  /** Claims a token must carry; `iat` and `exp` are always required. */
  requiredClaims: readonly string[];
  /** Refuses a token issued longer ago than this, even if its `exp` is later. */
  maxAgeSeconds: number;
  issuer?: string;
  audience?: string;
  clockToleranceMs?: number;
  /**
   * Verified tokens kept until they expire: an HMAC per request is the largest cost of auth. Kept
   * here, keyed by the token itself, rather than in fast-jwt's cache, which keys by the token's
   * SHA-256 (a hash per request to save a hash); memory is bounded by cacheSize × maxTokenLength
   * characters. Refusals are not kept.
   */
  cacheSize?: number;
  /** Longer tokens are refused unread (default DEFAULT_MAX_TOKEN_LENGTH). */
  maxTokenLength?: number;
}

/** Why a token was refused: `expired` deserves its own answer (refresh, sign in again). */
export type JwtVerdict = { ok: true; claims: JwtClaims } | { ok: false; expired: boolean; reason: string };

function requireStrongSecret(secret: string): void {
  if (secret.length < MIN_HS256_SECRET_LENGTH) throw new RangeError(`an HS256 secret needs at least ${MIN_HS256_SECRET_LENGTH} characters`);
}

export function createHs256Signer(options: Hs256SignerOptions): (payload: JwtClaims) => string {
  requireStrongSecret(options.secret);
  if (!Number.isInteger(options.lifetimeSeconds) || options.lifetimeSeconds < 1) throw new RangeError(`a token lifetime is a whole number of seconds, not ${options.lifetimeSeconds}`);
  const sign = createSigner({
    key: options.secret,
    algorithm: 'HS256',
    expiresIn: options.lifetimeSeconds * 1000,
    ...(options.issuer === undefined ? {} : { iss: options.issuer }),
    ...(options.audience === undefined ? {} : { aud: options.audience }),
  });
  return (payload) => sign({ ...payload });
}

export function createHs256Verifier(options: Hs256VerifierOptions): (token: string) => JwtVerdict {
  requireStrongSecret(options.secret);
  // One value each for fast-jwt's checks and the cache's window, so the two cannot drift apart.
  const clockToleranceMs = options.clockToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  const maxAgeMs = options.maxAgeSeconds * 1000;
  const verify = createVerifier({
    key: options.secret,
    algorithms: ['HS256'],
    requiredClaims: [...new Set(['iat', 'exp', ...options.requiredClaims])],
    maxAge: maxAgeMs,
    clockTolerance: clockToleranceMs,
    ...(options.issuer === undefined ? {} : { allowedIss: options.issuer }),
    ...(options.audience === undefined ? {} : { allowedAud: options.audience }),
  });
  const maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  const cacheSize = options.cacheSize ?? 0;
  const verified = new Map<string, VerifiedToken>();

  /** The times between which the verifier's own checks (nbf, exp, maxAge from iat) pass for these claims. */
  function usableWindow(claims: JwtClaims): Pick<VerifiedToken, 'usableFromMs' | 'usableUntilMs'> {
    const { nbf, exp, iat } = claims;
    return {
      usableFromMs: typeof nbf === 'number' ? nbf * 1000 - clockToleranceMs : -Infinity,
      usableUntilMs: Math.min(typeof exp === 'number' ? exp * 1000 + clockToleranceMs : Infinity, typeof iat === 'number' ? iat * 1000 + maxAgeMs : Infinity),
    };
  }

  return (token) => {
    if (token.length > maxTokenLength) return { ok: false, expired: false, reason: `it is longer than ${maxTokenLength} characters` };
    const known = verified.get(token);
    if (known) {
      const now = Date.now();
      if (now >= known.usableFromMs && now <= known.usableUntilMs) return known.verdict;
      verified.delete(token); // verified again below, which says why it no longer passes
    }
    let claims: unknown;
    try {
      claims = verify(token);
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? error.code : undefined;
      return { ok: false, expired: code === 'FAST_JWT_EXPIRED', reason: error instanceof Error ? error.message : 'it could not be verified' };
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return { ok: false, expired: false, reason: 'its payload is not a JSON object' };
    const verdict: JwtVerdict = { ok: true, claims: claims as JwtClaims };
    if (cacheSize > 0) {
      // The oldest entry makes room: a map iterates in insertion order.
      if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
      verified.set(token, { verdict, ...usableWindow(verdict.claims) });
    }
    return verdict;
  };
}

interface VerifiedToken {
  verdict: JwtVerdict & { ok: true };
  usableFromMs: number;
  usableUntilMs: number;
}

/** A `sub` that is an account id: a positive safe integer in plain decimal. */
export function accountIdOf(subject: unknown): number | undefined {
  if (typeof subject !== 'string' || !/^[1-9]\d{0,15}$/.test(subject)) return undefined;
  const accountId = Number(subject);
  return Number.isSafeInteger(accountId) ? accountId : undefined;
}
