import { HttpProblem } from '../http/problem-details.ts';
import { bearerToken } from './bearer-token.ts';
import { accountIdOf, createHs256Signer, createHs256Verifier, type JwtClaims, type JwtVerdict } from './hs256-jwt.ts';

/**
 * Short-lived tokens by which the gateway vouches for a caller to an internal service (the media
 * service, the reporter): the gateway authenticated the user, the service trusts only what the
 * gateway signed. HS256 with a secret both sides hold; a token lives at most a minute, so it is
 * signed per call.
 */
export const SERVICE_TOKEN_ISSUER = 'api-gateway';
export const SERVICE_TOKEN_MAX_TTL_S = 60;

export type ServiceCaller = { accountId: number; role: string };
export type ServiceTokenRequest = ServiceCaller & { audience: string };

/** Signers and verifiers prepare their key once; a process uses one or two secrets, so these stay small. */
const signers = new Map<string, (payload: JwtClaims) => string>();
const verifiers = new Map<string, (token: string) => JwtVerdict>();

function signerFor(secret: string, audience: string, ttlSeconds: number): (payload: JwtClaims) => string {
  const key = `${secret}\u0000${audience}\u0000${ttlSeconds}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = createHs256Signer({ secret, lifetimeSeconds: ttlSeconds, issuer: SERVICE_TOKEN_ISSUER, audience });
    signers.set(key, signer);
  }
  return signer;
}

function verifierFor(secret: string, audience: string): (token: string) => JwtVerdict {
  const key = `${secret}\u0000${audience}`;
  let verifier = verifiers.get(key);
  if (!verifier) {
    // A token signed with a longer life (by anyone else holding the secret) is still refused after a minute.
    verifier = createHs256Verifier({ secret, issuer: SERVICE_TOKEN_ISSUER, audience, requiredClaims: ['iss', 'aud', 'sub'], maxAgeSeconds: SERVICE_TOKEN_MAX_TTL_S });
    verifiers.set(key, verifier);
  }
  return verifier;
}

export function signServiceToken(secret: string, { accountId, role, audience }: ServiceTokenRequest, ttlSeconds = SERVICE_TOKEN_MAX_TTL_S): string {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > SERVICE_TOKEN_MAX_TTL_S) {
    throw new RangeError(`a service token lives 1 to ${SERVICE_TOKEN_MAX_TTL_S} seconds, not ${ttlSeconds}`);
  }
  if (!Number.isSafeInteger(accountId) || accountId < 1) throw new RangeError(`not an account id: ${accountId}`);
  if (role.length === 0) throw new RangeError('a service token needs a role');
  return signerFor(secret, audience, ttlSeconds)({ sub: String(accountId), role });
}

function invalid(reason: string): HttpProblem {
  return new HttpProblem(401, 'service_token_invalid', `the service token is missing or invalid: ${reason}`, { 'www-authenticate': 'Bearer' });
}

/** The caller the gateway vouched for; anything else (missing, expired, forged, for another service) is 401. */
export function verifyServiceToken(secret: string, token: string | undefined, audience: string): ServiceCaller {
  if (!token) throw invalid('none was sent');
  const verdict = verifierFor(secret, audience)(token);
  if (!verdict.ok) throw invalid(verdict.reason);
  const accountId = accountIdOf(verdict.claims['sub']);
  const role = verdict.claims['role'];
  if (accountId === undefined) throw invalid('its subject is not an account id');
  if (typeof role !== 'string' || role.length === 0) throw invalid('it names no role');
  return { accountId, role };
}

/** The caller of the service token in an `Authorization` header value, or 401 saying what is wrong with the header. */
export function serviceCallerFromAuthorization(secret: string, authorization: string | null | undefined, audience: string): ServiceCaller {
  const parsed = bearerToken(authorization);
  if (!parsed.ok) throw invalid(parsed.detail);
  return verifyServiceToken(secret, parsed.token, audience);
}
