import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import { Type, type Static } from 'typebox';
import { withTimeout } from '../timeout/with-timeout.ts';

/**
 * One readiness contract for every service. Each dependency is probed at once, with a timeout:
 * - a critical dependency that is down makes the instance `not_ready` (503): the load balancer
 *   should send its traffic elsewhere;
 * - anything else that is not fully up makes it `degraded` (200): it still serves, with less.
 */
export const DependencyStatus = Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down')]);
export const DependencyHealth = Type.Object({
  status: DependencyStatus,
  critical: Type.Boolean({ description: 'true when this dependency being down makes the instance not ready' }),
  latencyMs: Type.Number({ description: 'time the probe took' }),
  detail: Type.Optional(Type.String()),
});
export const Readiness = Type.Object(
  {
    service: Type.String(),
    status: Type.Union([Type.Literal('ready'), Type.Literal('degraded'), Type.Literal('not_ready')]),
    checkedAt: Type.String({ format: 'date-time' }),
    checks: Type.Record(Type.String(), DependencyHealth),
  },
  { $id: 'Readiness', description: 'The same shape for every service; 503 only when a critical dependency is down' },
);
export type Readiness = Static<typeof Readiness>;
export type DependencyHealth = Static<typeof DependencyHealth>;

/** What a probe may report besides success; throwing (or timing out) means `down`. */
export type ProbeOutcome = void | { status: 'up' | 'degraded'; detail?: string };

export interface HealthCheck {
  name: string;
  critical: boolean;
  probe(): Promise<ProbeOutcome>;
  /** Default 1000 ms: readiness must answer within a load balancer's check timeout. */
  timeoutMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Adds a dependency to `/health/ready`; plugins call it for what they own. */
    addHealthCheck(check: HealthCheck): void;
    readiness(): Promise<Readiness>;
    /**
     * From now on readiness answers `not_ready` (a `shutdown` check, down and critical) while the
     * instance keeps serving: the load balancer's checks take it out of rotation before it closes.
     */
    startDraining(): void;
  }
}

async function runProbe(check: HealthCheck): Promise<DependencyHealth> {
  const started = performance.now();
  const timeoutMs = check.timeoutMs ?? 1000;
  try {
    const outcome = await withTimeout(check.probe(), timeoutMs, `${check.name} probe`);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { status: outcome?.status ?? 'up', critical: check.critical, latencyMs, ...(outcome?.detail ? { detail: outcome.detail } : {}) };
  } catch (error) {
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    return { status: 'down', critical: check.critical, latencyMs, detail: error instanceof Error ? error.message : String(error) };
  }
}

export function overallStatus(checks: Record<string, DependencyHealth>): Readiness['status'] {
  const all = Object.values(checks);
  if (all.some((check) => check.critical && check.status === 'down')) return 'not_ready';
  return all.every((check) => check.status === 'up') ? 'ready' : 'degraded';
}

/** `/health/live` (the process runs) and `/health/ready` (the contract above). */
export const healthPlugin = fp<{ service: string }>(
  async (app, { service }) => {
    const checks: HealthCheck[] = [];
    app.decorate('addHealthCheck', (check: HealthCheck) => {
      if (checks.some((existing) => existing.name === check.name)) throw new Error(`health check ${check.name} is registered twice`);
      checks.push(check);
    });
    let drainingSince: Date | null = null;
    let lastReadiness: Readiness | null = null;
    app.decorate('startDraining', () => {
      drainingSince ??= new Date();
    });
    app.decorate('readiness', async (): Promise<Readiness> => {
      const results = await Promise.all(checks.map(async (check) => [check.name, await runProbe(check)] as const));
      const byName: Record<string, DependencyHealth> = Object.fromEntries(results);
      if (drainingSince) {
        byName['shutdown'] = { status: 'down', critical: true, latencyMs: 0, detail: `draining since ${drainingSince.toISOString()}: still serving, closing soon` };
      }
      const readiness: Readiness = { service, status: overallStatus(byName), checkedAt: new Date().toISOString(), checks: byName };
      lastReadiness = readiness;
      return readiness;
    });

    // The last answer, as gauges: a scrape does not probe the dependencies again.
    new Gauge({
      name: 'service_readiness',
      help: 'Readiness at the last check: 1 for the current status (ready, degraded, not_ready), 0 for the others',
      labelNames: ['status'] as const,
      registers: [app.metricsRegistry],
      collect() {
        for (const status of ['ready', 'degraded', 'not_ready'] as const) this.set({ status }, lastReadiness?.status === status ? 1 : 0);
      },
    });
    new Gauge({
      name: 'service_dependency_status',
      help: 'Each dependency at the last readiness check: 1 for its current status (up, degraded, down), 0 for the others',
      labelNames: ['dependency', 'status'] as const,
      registers: [app.metricsRegistry],
      collect() {
        for (const [dependency, check] of Object.entries(lastReadiness?.checks ?? {})) {
          for (const status of ['up', 'degraded', 'down'] as const) this.set({ dependency, status }, check.status === status ? 1 : 0);
        }
      },
    });

    app.addSchema(Readiness);
    app.get('/health/live', { schema: { operationId: 'getLiveness', tags: ['health'], summary: 'The process runs', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
    app.get(
      '/health/ready',
      { schema: { operationId: 'getReadiness', tags: ['health'], summary: 'Whether this instance can serve, per dependency', security: [], response: { 200: Type.Ref('Readiness'), 503: Type.Ref('Readiness') } } },
      async (_request, reply) => {
        const readiness = await app.readiness();
        if (readiness.status === 'not_ready') reply.header('retry-after', '5');
        return reply.code(readiness.status === 'not_ready' ? 503 : 200).send(readiness);
      },
    );
  },
  { name: 'health', dependencies: ['metrics'] },
);
