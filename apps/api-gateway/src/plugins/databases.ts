import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import {
  createAccounts,
  createCatalog,
  createMarketplace,
  createRepositories,
  MAX_QUOTE_VALIDITY_DAYS,
  systemClock,
  type AccountsService,
  type CatalogService,
  type Clock,
  type Database as Schema,
  type Marketplace,
  type ReadRunner,
  type Repositories,
  type WriteRunner,
} from '@chucar/domain';
import {
  createDatabase,
  createReadRouter,
  createUnitOfWork,
  HttpProblem,
  isConnectionFailure,
  primaryDatabaseSettings,
  registerAvailabilityMetrics,
  registerPoolMetrics,
  registerReadRoutingMetrics,
  watchServerAvailability,
  type Database,
  type ReadRouter,
  type ReadSession,
  type ServerAvailability,
  type UnitOfWork,
} from '@chucar/platform';
import type { GatewayConfig } from '../config.ts';
import { readLagBoundHeader, readSourceHeader } from './request-context.ts';

export interface DomainServices {
  catalog: CatalogService;
  accounts: AccountsService;
  marketplace: Marketplace;
}

declare module 'fastify' {
  interface FastifyInstance {
    databases: {
      primary: Database<Schema>;
      replica: Database<Schema>;
      router: ReadRouter<Schema>;
      unitOfWork: UnitOfWork<Schema>;
      /** Whether the primary answers; while it does not, writes are refused at once (`refuseWhilePrimaryDown`). */
      primaryAvailability: ServerAvailability;
    };
    /** Throws the 503 a write gets while the primary is unreachable; a no-op while it answers. */
    refuseWhilePrimaryDown(): void;
    /** A caller's statement on the primary failed: if the connection did, the primary is marked down at once. */
    notePrimaryFailure(error: unknown): void;
    /** The business services for work outside a request (the expiry sweep). */
    backgroundServices(): DomainServices;
  }
  interface FastifyRequest {
    /**
     * The business services, bound to this request's read session and write capture.
     * `primaryReads` pins reads to the primary (sign-in and token refresh must not see a stale account).
     */
    services(options?: { primaryReads?: boolean }): DomainServices;
    /** This request's read session, opened by its first routed read. */
    readSession: ReadSession<Schema> | null;
    /**
     * Set by the idempotency plugin: every write of this request runs in this one transaction
     * (with the request's idempotency key and stored answer) instead of a transaction of its own.
     */
    requestWrites: WriteRunner | null;
  }
}

/** The answer to a write, or a read pinned to the primary, while the primary is unreachable. */
export function primaryUnavailable(): HttpProblem {
  return new HttpProblem(503, 'database_unavailable', 'the primary database is unreachable: writes are refused until it is back; reads still work', { 'retry-after': '5' });
}

export interface DatabasePluginOptions {
  config: GatewayConfig;
  clock?: Clock;
}

export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, clock = systemClock }) => {
    const primary = createDatabase<Schema>(primaryDatabaseSettings(config));
    // The replica takes the same account and pool settings at its own address.
    const replica = createDatabase<Schema>(primaryDatabaseSettings(config, { host: config.DB_REPLICA_HOST, port: config.DB_REPLICA_PORT }));
    // The gauges read the router's health at scrape time, after it exists.
    const readDecisions = registerReadRoutingMetrics(app.metricsRegistry, () => readRouter.health());
    // The primary's probe has a connection of its own: a pool full of requests cannot delay it.
    const probeTimeoutMs = Math.min(1000, config.DB_CONNECT_TIMEOUT_MS);
    const primaryProbe = createDatabase<Schema>(primaryDatabaseSettings(config, { poolSize: 1, connectTimeoutMs: probeTimeoutMs, queryTimeoutMs: probeTimeoutMs }));
    const primaryAvailability = watchServerAvailability({
      probe: () => primaryProbe.runSql('SELECT 1'),
      intervalMs: config.PRIMARY_CHECK_INTERVAL_MS,
      probeTimeoutMs,
      onChange: (up, lastError) =>
        up ? app.log.info('primary reachable again: writes accepted') : app.log.warn({ error: lastError }, 'primary unreachable: writes refused, reads stay on the replica'),
    });
    registerAvailabilityMetrics(app.metricsRegistry, { primary: primaryAvailability });
    const readRouter = createReadRouter<Schema>({
      primary,
      replica,
      primaryAvailable: () => primaryAvailability.isUp(),
      maxLagSeconds: config.REPLICA_MAX_LAG_S,
      recoverLagSeconds: config.REPLICA_RECOVER_LAG_S,
      checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
      gtidWaitTimeoutMs: config.GTID_WAIT_TIMEOUT_MS,
      onStateChange: (from, to, health) => app.log[to === 'healthy' ? 'info' : 'warn']({ from, to, lagSeconds: health.lagSeconds, error: health.lastError }, 'replica state changed'),
      onDecision: (reason) => readDecisions.inc({ reason }),
    });
    registerPoolMetrics(app.metricsRegistry, { primary, replica });
    const unitOfWork = createUnitOfWork(primary);
    app.decorate('databases', { primary, replica, router: readRouter, unitOfWork, primaryAvailability });

    function refuseWhilePrimaryDown(): void {
      if (!primaryAvailability.isUp()) throw primaryUnavailable();
    }
    function notePrimaryFailure(error: unknown): void {
      if (isConnectionFailure(error)) primaryAvailability.reportFailure(error);
    }
    app.decorate('refuseWhilePrimaryDown', refuseWhilePrimaryDown);
    app.decorate('notePrimaryFailure', notePrimaryFailure);

    // Readiness is about this instance: an unreachable primary is shared by every gateway, so it only
    // degrades (reads are still served from the replica) and the balancer keeps the instance.
    app.addHealthCheck({
      name: 'primary',
      critical: false,
      probe: async () => {
        const state = primaryAvailability.state();
        if (state.up) return;
        throw new Error(`unreachable since ${state.since.toISOString()} (${state.lastError ?? 'no answer'}): writes answer 503, reads go to the replica`);
      },
    });
    // The replica only ever degrades the service: its reads move to the primary.
    app.addHealthCheck({
      name: 'replica',
      critical: false,
      probe: async () => {
        const health = readRouter.health();
        if (health.state === 'healthy') return { status: 'up', detail: `lag ${health.lagSeconds ?? 0} s` };
        const why = health.lastError ?? (health.lagSeconds !== null ? `lag ${health.lagSeconds} s` : 'not measured yet');
        return { status: 'degraded', detail: `${health.state}: ${why}; reads go to the primary` };
      },
    });

    // Repositories are bound once per server; a request only picks which set its reads use.
    const repositoriesOn: Record<'primary' | 'replica', Repositories> = { primary: createRepositories(primary.db), replica: createRepositories(replica.db) };
    const primaryReads: ReadRunner = {
      run: async (read) => {
        refuseWhilePrimaryDown();
        try {
          return await read(repositoriesOn.primary);
        } catch (error) {
          notePrimaryFailure(error);
          throw error;
        }
      },
    };
    const marketplaceSettings = { requestTtlDays: config.REQUEST_TTL_DAYS, maxQuoteValidityDays: MAX_QUOTE_VALIDITY_DAYS };

    function bindServices(reads: ReadRunner, onCommit: (gtid: string) => void, requestWrites: () => WriteRunner | null = () => null): DomainServices {
      const writes: WriteRunner = {
        async transaction(work) {
          const inRequestTransaction = requestWrites();
          if (inRequestTransaction) return inRequestTransaction.transaction(work);
          refuseWhilePrimaryDown();
          try {
            const { result, gtid } = await unitOfWork.run((trx) => work(createRepositories(trx)));
            if (gtid) onCommit(gtid);
            return result;
          } catch (error) {
            notePrimaryFailure(error);
            throw error;
          }
        },
      };
      // Built on first use: a route needs one of the three.
      let catalog: CatalogService | undefined;
      let accounts: AccountsService | undefined;
      let marketplace: Marketplace | undefined;
      return {
        get catalog() {
          return (catalog ??= createCatalog({ reads }));
        },
        get accounts() {
          return (accounts ??= createAccounts({ reads, writes, clock, settings: { refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS } }));
        },
        get marketplace() {
          return (marketplace ??= createMarketplace({ reads, writes, clock, settings: marketplaceSettings }));
        },
      };
    }

    /** The request's reads go where its session chose, replica or primary, falling back inside the session. */
    function routedReads(request: FastifyRequest): ReadRunner {
      return {
        run: (read) => {
          request.readSession ??= readRouter.openSession(request.consistencyToken);
          return request.readSession.run((_db, choice) => {
            if (choice.target === 'primary') refuseWhilePrimaryDown();
            return read(repositoriesOn[choice.target]);
          });
        },
      };
    }

    app.decorateRequest('readSession', null);
    app.decorateRequest('requestWrites', null);
    function servicesFor(request: FastifyRequest, options: { primaryReads?: boolean }): DomainServices {
      return bindServices(
        options.primaryReads ? primaryReads : routedReads(request),
        (gtid) => {
          request.committedGtid = gtid;
        },
        () => request.requestWrites,
      );
    }
    app.decorateRequest('services', function (this: FastifyRequest, options: { primaryReads?: boolean } = {}) {
      return servicesFor(this, options);
    });
    // Background jobs read and write the primary; no client waits for their GTID.
    app.decorate('backgroundServices', () => bindServices(primaryReads, () => {}));

    // Every answer that read through a session says where, and how stale it may be.
    app.addHook('onSend', (request, reply, payload, done) => {
      const freshness = request.readSession?.freshness();
      if (freshness) {
        reply.header(readSourceHeader, freshness.source);
        reply.header(readLagBoundHeader, String(freshness.lagBoundMs));
      }
      done(null, payload);
    });

    app.addHook('onReady', async () => {
      await Promise.all([readRouter.start(), primaryAvailability.start()]);
    });
    app.addHook('onClose', async () => {
      readRouter.stop();
      primaryAvailability.stop();
      await Promise.all([primary.close(), replica.close(), primaryProbe.close()]);
    });
  },
  { name: 'database', dependencies: ['health', 'metrics', 'request-context'] },
);
