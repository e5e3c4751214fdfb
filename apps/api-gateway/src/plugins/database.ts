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
  type Repositories,
  type WriteRunner,
} from '@chucar/domain';
import { createDatabase, createReadRouter, primaryDatabaseSettings, writeAndCaptureGtid, type Database, type ReadRouter, type ReadSession } from '@chucar/platform';
import type { GatewayConfig } from '../config.ts';

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
     * The business services, bound to this request's read routing and write capture.
     * `primaryReads` pins reads to the primary (sign-in and token refresh must not see a stale account).
     */
    services(options?: { primaryReads?: boolean }): DomainServices;
  }
}

export interface DatabasePluginOptions {
  config: GatewayConfig;
  clock?: Clock;
}

/** Repositories whose every read runs in the request's read session (replica or primary, with fallback). */
function routedRepositories(session: ReadSession<Schema>, onReplica: Repositories, onPrimary: Repositories): Repositories {
  const route = <K extends keyof Repositories>(name: K): Repositories[K] =>
    new Proxy(onPrimary[name], {
      get(target, method: string) {
        if (typeof target[method as keyof typeof target] !== 'function') return target[method as keyof typeof target];
        return (...args: unknown[]) =>
          session.run((_db, choice) => {
            const repository = (choice.target === 'primary' ? onPrimary : onReplica)[name];
            return (repository[method as keyof typeof repository] as (...a: unknown[]) => Promise<unknown>)(...args);
          });
      },
    });
  return { catalog: route('catalog'), accounts: route('accounts'), refreshTokens: route('refreshTokens'), quoteRequests: route('quoteRequests'), quotes: route('quotes') };
}

export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, { config, clock = systemClock }) => {
    const primary = createDatabase<Schema>(primaryDatabaseSettings(config));
    // The replica takes the same account and pool settings at its own address.
    const replica = createDatabase<Schema>(primaryDatabaseSettings(config, { host: config.DB_REPLICA_HOST, port: config.DB_REPLICA_PORT }));
    const router = createReadRouter<Schema>({
      primary,
      replica,
      maxLagSeconds: config.REPLICA_MAX_LAG_S,
      recoverLagSeconds: config.REPLICA_RECOVER_LAG_S,
      checkIntervalMs: config.REPLICA_CHECK_INTERVAL_MS,
      gtidWaitTimeoutMs: config.GTID_WAIT_TIMEOUT_MS,
      onStateChange: (from, to, health) => app.log[to === 'healthy' ? 'info' : 'warn']({ from, to, lagSeconds: health.lagSeconds, error: health.lastError }, 'replica state changed'),
      onDecision: (reason) => app.metrics.readDecisions.inc({ reason }),
    });
    app.decorate('databases', { primary, replica, router });

    const primaryRepositories = createRepositories(primary.db);
    const replicaRepositories = createRepositories(replica.db);
    const marketplaceSettings = { requestTtlDays: config.REQUEST_TTL_DAYS, maxQuoteValidityDays: MAX_QUOTE_VALIDITY_DAYS };

    function bindServices(reads: Repositories, onCommit: (gtid: string) => void): DomainServices {
      const writes: WriteRunner = {
        async transaction(work) {
          const { result, gtid } = await writeAndCaptureGtid(primary.db, (trx) => work(createRepositories(trx)));
          if (gtid) onCommit(gtid);
          return result;
        },
      };
      // Built on first use: a route needs one of the three, and this runs on every request.
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

    function servicesFor(request: FastifyRequest, options: { primaryReads?: boolean }): DomainServices {
      const reads = options.primaryReads ? primaryRepositories : routedRepositories(router.openSession(request.consistencyToken), replicaRepositories, primaryRepositories);
      return bindServices(reads, (gtid) => {
        request.committedGtid = gtid;
      });
    }
    app.decorateRequest('services', function (this: FastifyRequest, options: { primaryReads?: boolean } = {}) {
      return servicesFor(this, options);
    });
    // Background jobs read and write the primary; no client waits for their GTID.
    app.decorate('backgroundServices', () => bindServices(primaryRepositories, () => {}));

    app.addHook('onReady', async () => {
      await router.start();
    });
    app.addHook('onClose', async () => {
      router.stop();
      await Promise.all([primary.close(), replica.close()]);
    });
  },
  { name: 'database', dependencies: ['metrics'] },
);
