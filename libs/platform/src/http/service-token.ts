import { createSigner, createVerifier } from 'fast-jwt';
import { HttpProblem } from './problem-details.ts';

/**
 * Short-lived tokens by which the gateway vouches for a caller to an internal service (the media
 * service): the gateway authenticated the user, the service trusts only what the gateway signed.
 * HS256 with a secret both sides hold; a token lives at most a minute, so it is signed per call.
 */
export const SERVICE_TOKEN_ISSUER = 'api-gateway';
export const SERVICE_TOKEN_MAX_TTL_S = 60;
/** Clocks of the gateway and the service may disagree by this much. */
const CLOCK_TOLERANCE_MS = 5_000;

export type ServiceCaller = { accountId: number; role: string };
export type ServiceTokenRequest = ServiceCaller & { audience: string };

type Signer = (payload: Record<string, unknown>) => string;
type Verifier = (token: string) => Record<string, unknown>;

/** Signers and verifiers prepare their key once; a process uses one or two secrets, so these stay small. */
const signers = new Map<string, Signer>();
const verifiers = new Map<string, Verifier>();

function signerFor(secret: string, audience: string, ttlSeconds: number): Signer {
  const key = `${secret}\u0000${audience}\u0000${ttlSeconds}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = createSigner({ key: secret, algorithm: 'HS256', iss: SERVICE_TOKEN_ISSUER, aud: audience, expiresIn: ttlSeconds * 1000 });
    signers.set(key, signer);
  }
  return signer;
}

function verifierFor(secret: string, audience: string): Verifier {
  const key = `${secret}\u0000${audience}`;
  let verifier = verifiers.get(key);
  if (!verifier) {
    verifier = createVerifier({
      key: secret,
      algorithms: ['HS256'],
      allowedIss: SERVICE_TOKEN_ISSUER,
      allowedAud: audience,
      requiredClaims: ['iss', 'aud', 'sub', 'iat', 'exp'],
      // A token signed with a longer life (by anyone else holding the secret) is still refused.
      maxAge: SERVICE_TOKEN_MAX_TTL_S * 1000,
      clockTolerance: CLOCK_TOLERANCE_MS,
    });
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
  let claims: Record<string, unknown>;
  try {
    claims = verifierFor(secret, audience)(token);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'it could not be verified');
  }
  const accountId = typeof claims['sub'] === 'string' && /^[1-9]\d{0,15}$/.test(claims['sub']) ? Number(claims['sub']) : NaN;
  const role = claims['role'];
  if (!Number.isSafeInteger(accountId)) throw invalid('its subject is not an account id');
  if (typeof role !== 'string' || role.length === 0) throw invalid('it names no role');
  return { accountId, role };
}

/** The token from an `authorization: Bearer …` header, if that is what was sent. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+)$/i.exec(authorization ?? '');
  return match?.[1];
}
