import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';

const Check = Type.Object({ status: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]), detail: Type.Optional(Type.String()) });
const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({ primary: Check, replica: Check, redis: Check }),
});

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function probe(work: Promise<unknown>): Promise<{ status: 'up' } | { status: 'down'; detail: string }> {
  return withTimeout(work, 1000).then(
    () => ({ status: 'up' as const }),
    (error: Error) => ({ status: 'down' as const, detail: error.message }),
  );
}

/** Liveness says the process runs; readiness says it can serve: primary and Redis up (a lagging or lost replica only degrades). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health/live', { schema: { tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/health/ready', { schema: { tags: ['health'], response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    // Both probes at once: in an outage the check answers within one timeout, not two.
    const [primary, redis] = await Promise.all([probe(app.databases.primary.runSql('SELECT 1')), probe(app.redis.ping())]);
    const health = app.databases.router.health();
    const replica =
      health.state === 'healthy'
        ? { status: 'up' as const, detail: `lag ${health.lagSeconds ?? 0} s` }
        : { status: 'degraded' as const, detail: `${health.state}${health.lastError ? `: ${health.lastError}` : health.lagSeconds !== null ? `, lag ${health.lagSeconds} s` : ''}; reads go to the primary` };
    const ready = primary.status === 'up' && redis.status === 'up';
    if (!ready) reply.header('retry-after', '5');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { primary, replica, redis } });
  });
};
