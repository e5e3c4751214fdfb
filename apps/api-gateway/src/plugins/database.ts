import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import {
  createAccounts,
  createCatalog,
  createMarketplace,
  createRepositories,
  MAX_QUOTE_VALIDITY_DAYS,
  readsFrom,
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
  primaryDatabaseSettings,
  registerPoolMetrics,
  registerReadRoutingMetrics,
  type Database,
  type ReadRouter,
  type ReadSession,
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
    databases: { primary: Database<Schema>; replica: Database<Schema>; router: ReadRouter<Schema> };
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
  }
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
    const readRouter = createReadRouter<Schema>({
      primary,
      replica,
      maxLagSeconds: config.REPLICA_MAX_LAG_S,
      recoverLagSeconds: config.REPLICA_RECOVER_LAG_S,
      checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
      gtidWaitTimeoutMs: config.GTID_WAIT_TIMEOUT_MS,
      onStateChange: (from, to, health) => app.log[to === 'healthy' ? 'info' : 'warn']({ from, to, lagSeconds: health.lagSeconds, error: health.lastError }, 'replica state changed'),
      onDecision: (reason) => readDecisions.inc({ reason }),
    });
    registerPoolMetrics(app.metricsRegistry, { primary, replica });
    app.decorate('databases', { primary, replica, router: readRouter });

    app.addHealthCheck({ name: 'primary', critical: true, probe: async () => void (await primary.runSql('SELECT 1')) });
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
    const primaryReads = readsFrom(repositoriesOn.primary);
    const unitOfWork = createUnitOfWork(primary);
    const marketplaceSettings = { requestTtlDays: config.REQUEST_TTL_DAYS, maxQuoteValidityDays: MAX_QUOTE_VALIDITY_DAYS };

    function bindServices(reads: ReadRunner, onCommit: (gtid: string) => void): DomainServices {
      const writes: WriteRunner = {
        async transaction(work) {
          const { result, gtid } = await unitOfWork.run((trx) => work(createRepositories(trx)));
          if (gtid) onCommit(gtid);
          return result;
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
          return request.readSession.run((_db, choice) => read(repositoriesOn[choice.target]));
        },
      };
    }

    app.decorateRequest('readSession', null);
    function servicesFor(request: FastifyRequest, options: { primaryReads?: boolean }): DomainServices {
      return bindServices(options.primaryReads ? primaryReads : routedReads(request), (gtid) => {
        request.committedGtid = gtid;
      });
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
      await readRouter.start();
    });
    app.addHook('onClose', async () => {
      readRouter.stop();
      await Promise.all([primary.close(), replica.close()]);
    });
  },
  { name: 'database', dependencies: ['health', 'metrics', 'request-context'] },
);
