/**
 * The operators' queue dashboard (bull-board) at /admin/queues on the worker's internal port,
 * for admins only: the gateway's own access tokens (HS256 with JWT_SECRET, role admin), sent as
 * `Authorization: Bearer …`, or once through POST /admin/session (the form at /admin/login),
 * which keeps the token in an HttpOnly cookie for the browser's page loads. The board is read-only: the database is the source
 * of truth, so failed work goes back through `npm run media:requeue`, never a raw job retry.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ROLES } from '@chucar/domain';
import { HttpProblem, UnauthenticatedProblem, bearerToken, createAccessTokenVerifier, sendProblem } from '@chucar/platform';

export const DASHBOARD_PATH = '/admin/queues';
export const SESSION_PATH = '/admin/session';
export const LOGIN_PATH = '/admin/login';
const cookieName = 'media_admin_token';

/** A form, no script: paste the access token from POST /v1/auth/login of an admin account. */
const loginPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Media queues: sign in</title></head>
<body><form method="post" action="/admin/session">
<p><label for="token">Admin access token (from POST /v1/auth/login)</label></p>
<p><textarea id="token" name="accessToken" rows="6" cols="80" required></textarea></p>
<p><button type="submit">Open the queue dashboard</button></p>
</form></body></html>
`;

export interface DashboardOptions {
  /** The gateway's JWT_SECRET. */
  jwtSecret: string;
  queues: readonly Queue[];
}

type Verdict = { ok: true; accountId: number; expiresAtS: number } | { ok: false; problem: HttpProblem };

/** The gateway's access tokens, verified as the gateway does; only admins' open the board. */
export function createAdminTokenCheck(secret: string): (token: string) => Verdict {
  const accessTokens = createAccessTokenVerifier({ secret, roles: ROLES });
  return (token) => {
    const check = accessTokens.verifyToken(token);
    if (!check.ok) return check;
    if (check.claims.role !== 'admin') return { ok: false, problem: new HttpProblem(403, 'forbidden', 'the queue dashboard is for admin accounts') };
    return { ok: true, accountId: check.claims.accountId, expiresAtS: check.claims.expiresAtS };
  };
}

function cookieToken(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return value.join('=') || undefined;
  }
  return undefined;
}

/** The token of the Authorization header, else of the session cookie; without either, why the header was refused. */
function checkRequest(request: FastifyRequest, check: (token: string) => Verdict): Verdict {
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromHeader.ok) return check(fromHeader.token);
  const fromCookie = cookieToken(request);
  if (fromCookie) return check(fromCookie);
  const detail = fromHeader.failure === 'missing' ? `an admin access token is required (Authorization: Bearer …, or sign in at ${LOGIN_PATH})` : fromHeader.detail;
  return { ok: false, problem: new UnauthenticatedProblem(fromHeader.failure, detail) };
}

function refuse(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): FastifyReply {
  reply.headers(problem.headers);
  return sendProblem(request, reply, problem.status, problem.code, problem.message);
}

/** Registers the dashboard and the session route on the worker's app. */
export async function registerQueueDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const check = createAdminTokenCheck(options.jwtSecret);

  await app.register(async (session) => {
    // The sign-in page posts a plain form; only this scope reads form bodies.
    session.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    session.get(LOGIN_PATH, { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loginPage));
    session.post(
      SESSION_PATH,
      {
        schema: {
          tags: ['operations'],
          summary: 'Keeps an admin access token in an HttpOnly cookie for the queue dashboard (JSON: 204; the sign-in form: 303 to the dashboard)',
          body: Type.Object({ accessToken: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
          response: { 204: Type.Null(), 303: Type.Null() },
        },
      },
      async (request, reply) => {
        const { accessToken } = request.body as { accessToken: string };
        const verdict = check(accessToken.trim());
        if (!verdict.ok) return refuse(request, reply, verdict.problem);
        const maxAgeS = Math.max(0, verdict.expiresAtS - Math.floor(Date.now() / 1000));
        reply.header('set-cookie', `${cookieName}=${accessToken.trim()}; Max-Age=${maxAgeS}; Path=/admin; HttpOnly; SameSite=Strict`);
        if (request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return reply.code(303).header('location', DASHBOARD_PATH).send();
        return reply.code(204).send();
      },
    );
  });

  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true, allowRetries: false })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Chucar media queues' } },
  });
  await app.register(
    async (dashboard) => {
      // Answered here rather than thrown: bull-board's own error handler would turn a throw into its JSON.
      dashboard.addHook('onRequest', async (request, reply) => {
        const verdict = checkRequest(request, check);
        if (!verdict.ok) return refuse(request, reply, verdict.problem);
        return undefined;
      });
      await dashboard.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
    },
  );
}
