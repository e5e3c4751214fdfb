/**
 * Users' access tokens: the gateway signs them at sign-in and refresh; the gateway, the reporter
 * and the media worker's queue dashboard verify them. HS256 with JWT_SECRET, claims `sub` (the
 * account id), `role`, `iat` and `exp`, and no audience (that is what service tokens carry).
 */
import { HttpProblem } from '../http/problem-details.ts';
import { bearerToken, type BearerTokenFailure } from './bearer-token.ts';
import { accountIdOf, createHs256Signer, createHs256Verifier } from './hs256-jwt.ts';

/** The longest lifetime an access token may be given; verifiers refuse older tokens. */
export const ACCESS_TOKEN_MAX_TTL_S = 86_400;
/** The tokens the signer below makes are about 170 characters; the verifier's cache keeps up to cacheSize of at most this length. */
export const ACCESS_TOKEN_MAX_LENGTH = 512;
/** The challenge of every 401 about a user's access token. */
export const ACCESS_TOKEN_CHALLENGE = 'Bearer realm="chucar"';

export interface AccessTokenClaims<Role extends string> {
  accountId: number;
  role: Role;
  /** When the token stops being accepted, in seconds since the epoch (`exp`). */
  expiresAtS: number;
}

export type AccessTokenRejection = BearerTokenFailure | 'expired' | 'invalid';

/** A 401 with the Bearer challenge, saying why in `detail` and in `reason` for the code that asks. */
export class UnauthenticatedProblem extends HttpProblem {
  readonly reason: AccessTokenRejection;
  constructor(reason: AccessTokenRejection, detail: string) {
    super(401, 'unauthenticated', detail, { 'www-authenticate': ACCESS_TOKEN_CHALLENGE });
    this.name = 'UnauthenticatedProblem';
    this.reason = reason;
  }
}

export type AccessTokenCheck<Role extends string> = { ok: true; claims: AccessTokenClaims<Role> } | { ok: false; problem: UnauthenticatedProblem };

export interface AccessTokenVerifierOptions<Role extends string> {
  secret: string;
  /** The roles a token may name; any other role is refused. */
  roles: readonly Role[];
  /** The issuer's lifetime, when known; otherwise the longest any access token may have. */
  maxAgeSeconds?: number;
  clockToleranceMs?: number;
  cacheSize?: number;
}

export interface AccessTokenVerifier<Role extends string> {
  /** Checks a token already taken out of its header (or out of a cookie). */
  verifyToken(token: string): AccessTokenCheck<Role>;
  /** Checks the token of an `Authorization` header value. */
  authenticate(authorization: string | null | undefined): AccessTokenCheck<Role>;
}

const invalid = () => new UnauthenticatedProblem('invalid', 'the access token is invalid');

export function createAccessTokenVerifier<Role extends string>(options: AccessTokenVerifierOptions<Role>): AccessTokenVerifier<Role> {
  const maxAgeSeconds = options.maxAgeSeconds ?? ACCESS_TOKEN_MAX_TTL_S;
  const verify = createHs256Verifier({
    secret: options.secret,
    requiredClaims: ['sub', 'role'],
    maxAgeSeconds,
    ...(options.clockToleranceMs === undefined ? {} : { clockToleranceMs: options.clockToleranceMs }),
    cacheSize: options.cacheSize ?? 1000,
    maxTokenLength: ACCESS_TOKEN_MAX_LENGTH,
  });
  const isRole = (value: unknown): value is Role => typeof value === 'string' && (options.roles as readonly string[]).includes(value);

  function verifyToken(token: string): AccessTokenCheck<Role> {
    const verdict = verify(token);
    if (!verdict.ok) {
      return { ok: false, problem: verdict.expired ? new UnauthenticatedProblem('expired', 'the access token has expired; refresh it') : invalid() };
    }
    const { sub, role, exp, aud } = verdict.claims;
    const accountId = accountIdOf(sub);
    // A service token signed with this secret by mistake names an audience; access tokens never do.
    if (accountId === undefined || !isRole(role) || typeof exp !== 'number' || aud !== undefined) return { ok: false, problem: invalid() };
    return { ok: true, claims: { accountId, role, expiresAtS: exp } };
  }

  return {
    verifyToken,
    authenticate(authorization) {
      const parsed = bearerToken(authorization);
      if (!parsed.ok) return { ok: false, problem: new UnauthenticatedProblem(parsed.failure, parsed.detail) };
      return verifyToken(parsed.token);
    },
  };
}

export interface AccessTokenSignerOptions {
  secret: string;
  ttlSeconds: number;
}

/** Signs `{ sub, role }` with an `iat` and an `exp` `ttlSeconds` later. */
export function createAccessTokenSigner(options: AccessTokenSignerOptions): (caller: { accountId: number; role: string }) => string {
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1 || options.ttlSeconds > ACCESS_TOKEN_MAX_TTL_S) {
    throw new RangeError(`an access token lives 1 to ${ACCESS_TOKEN_MAX_TTL_S} seconds, not ${options.ttlSeconds}`);
  }
  const sign = createHs256Signer({ secret: options.secret, lifetimeSeconds: options.ttlSeconds });
  return ({ accountId, role }) => {
    if (!Number.isSafeInteger(accountId) || accountId < 1) throw new RangeError(`not an account id: ${accountId}`);
    if (role.length === 0) throw new RangeError('an access token needs a role');
    return sign({ sub: String(accountId), role });
  };
}
