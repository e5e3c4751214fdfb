import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Account as DomainAccount, SignInThrottlePolicy } from '@chucar/domain';
import { DateTime, problems } from '@chucar/contracts';
import { Account, Dealer, RegionCode } from './schemas.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 200 });
const Credentials = Type.Object({ email: Email, password: Password }, { additionalProperties: false });
const CustomerSignUp = Type.Object({ email: Email, password: Password, displayName: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const DealerSignUp = Type.Object(
  { ...CustomerSignUp.properties, dealershipName: Type.String({ minLength: 1, maxLength: 200 }), regions: Type.Array(RegionCode, { minItems: 1, maxItems: 17, uniqueItems: true }) },
  { additionalProperties: false },
);
const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

const Session = Type.Object({
  account: Account,
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresInSeconds: Type.Integer(),
  refreshToken: Type.String(),
  refreshTokenExpiresAt: DateTime,
});

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The throttle as configured, in the login operation's OpenAPI description. */
function signInThrottleDescription({ accountAtAddress, address, account, failureMemoryMs }: SignInThrottlePolicy): string {
  return [
    `Failed sign-ins are throttled. After ${accountAtAddress.freeFailures} failures for one account from one client address,`,
    `${address.freeFailures} from one address (an IPv6 /64) whatever the accounts, or ${account.freeFailures} for one account from every address,`,
    `the next attempt must wait ${duration(accountAtAddress.firstDelayMs)}, and each further failure doubles the wait, up to`,
    `${duration(accountAtAddress.maxDelayMs)} per account and address or per address, and only ${duration(account.maxDelayMs)} per account,`,
    'so failures from other addresses never make the real user wait longer than that at a time.',
    'While a wait runs, every attempt, even with the right password, is answered 429 `too_many_sign_in_attempts` with `Retry-After`, unchecked.',
    'Unknown emails are throttled exactly like known ones.',
    `A successful sign-in clears the account’s counts; failures are forgotten ${duration(failureMemoryMs)} after the wait they caused.`,
  ].join(' ');
}

const TooManySignIns = Type.Ref('Problem', {
  description: 'Too many failed sign-ins (`too_many_sign_in_attempts`) or requests (`rate_limited`): retry after `Retry-After` seconds',
  headers: { 'retry-after': Type.Integer({ minimum: 1, description: 'Seconds to wait before the next attempt' }) },
});

/** Sign-up, login, refresh and logout. Reads here go to the primary: a session must never rest on a stale account. */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function openSession(request: FastifyRequest, account: DomainAccount) {
    const refresh = await request.services({ primaryReads: true }).accounts.issueRefreshToken(account.id);
    return {
      account,
      ...app.issueAccessToken({ accountId: account.id, role: account.role }),
      tokenType: 'Bearer' as const,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
    };
  }

  app.post('/auth/customers', {
    config: { idempotent: true },
    schema: { operationId: 'signUpCustomer', tags: ['auth'], summary: 'Sign up as a customer', security: [], body: CustomerSignUp, response: { 201: Session, ...problems(400, 409, 422, 429) } },
  }, async (request, reply) => {
    const account = await request.services({ primaryReads: true }).accounts.signUpCustomer(request.body);
    return reply.code(201).send(await openSession(request, account));
  });

  app.post('/auth/dealers', {
    config: { idempotent: true },
    schema: {
      operationId: 'signUpDealer',
      tags: ['auth'],
      summary: 'Sign up as a dealer (pending review until an admin approves)',
      security: [],
      body: DealerSignUp,
      response: { 201: Type.Object({ ...Session.properties, account: Dealer }), ...problems(400, 409, 422, 429) },
    },
  }, async (request, reply) => {
    const dealer = await request.services({ primaryReads: true }).accounts.signUpDealer(request.body);
    return reply.code(201).send({ ...(await openSession(request, dealer)), account: dealer });
  });

  app.post('/auth/login', {
    schema: {
      operationId: 'logIn',
      tags: ['auth'],
      summary: 'Trade email and password for tokens (403 for a suspended account)',
      security: [],
      description: signInThrottleDescription(app.signInThrottle.policy),
      body: Credentials,
      response: { 200: Session, ...problems(400, 401, 403), 429: TooManySignIns },
    },
  }, async (request) => {
    const { email, password } = request.body;
    const account = await app.signInThrottle.attempt(request, email, () => request.services({ primaryReads: true }).accounts.authenticate(email, password));
    return openSession(request, account);
  });

  app.post('/auth/refresh', {
    config: { idempotent: true },
    schema: { operationId: 'refreshSession', tags: ['auth'], summary: 'Rotate a refresh token; reusing an old one revokes the session', security: [], body: RefreshBody, response: { 200: Session, ...problems(400, 401, 429) } },
  }, async (request) => {
    const rotated = await request.services({ primaryReads: true }).accounts.rotateRefreshToken(request.body.refreshToken);
    return {
      account: rotated.account,
      ...app.issueAccessToken({ accountId: rotated.account.id, role: rotated.account.role }),
      tokenType: 'Bearer' as const,
      refreshToken: rotated.token,
      refreshTokenExpiresAt: rotated.expiresAt,
    };
  });

  app.post('/auth/logout', {
    config: { idempotent: true },
    schema: { operationId: 'logOut', tags: ['auth'], summary: 'Revoke the refresh token’s session', security: [], body: RefreshBody, response: { 204: Type.Null(), ...problems(400, 429) } },
  }, async (request, reply) => {
    await request.services({ primaryReads: true }).accounts.revokeRefreshToken(request.body.refreshToken);
    return reply.code(204).send(null);
  });
};
