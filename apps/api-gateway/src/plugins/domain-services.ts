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
  type Marketplace,
  type ReadRunner,
  type Repositories,
  type WriteRunner,
} from '@chucar/domain';
import type { GatewayConfig } from '../config.ts';
import type { GatewayReadSession, ReadDatabase } from './databases.ts';
import { consistencyHeader, readLagBoundHeader, readSourceHeader } from './request-context.ts';

export interface DomainServices {
  catalog: CatalogService;
  accounts: AccountsService;
  marketplace: Marketplace;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The business services for work outside a request (the expiry sweep). */
    backgroundServices(): DomainServices;
  }
  interface FastifyRequest {
    /**
     * The business services, bound to this request's read session and write capture.
     * `primaryReads` pins reads to the writer, the primary or the cluster's writer node (sign-in and
     * token refresh must not see a stale account).
     */
    services(options?: { primaryReads?: boolean }): DomainServices;
    /** This request's read session, opened by its first routed read. */
    readSession: GatewayReadSession | null;
    /**
     * Set by the idempotency plugin: every write of this request runs in this one transaction
     * (with the request's idempotency key and stored answer) instead of a transaction of its own.
     */
    requestWrites: WriteRunner | null;
  }
}

export interface DomainServicesPluginOptions {
  config: Pick<GatewayConfig, 'REQUEST_TTL_DAYS' | 'REFRESH_TOKEN_TTL_DAYS'>;
  clock?: Clock;
}

/**
 * The business services each request gets: reads through the request's read session (a replica or
 * cluster reader, or the writer, as the databases plugin decides), writes in a unit of work on the
 * writer (or in the idempotency plugin's request transaction), and the committed GTID handed back
 * to the client.
 */
export const domainServicesPlugin = fp<DomainServicesPluginOptions>(
  async (app, { config, clock = systemClock }) => {
    const { writer, unitOfWork } = app.databases;
    const refuseWhileWritesUnavailable = () => app.refuseWhileWritesUnavailable();
    const noteWriteFailure = (error: unknown) => app.noteWriteFailure(error);

    // Repositories are bound once per server (per node in cluster mode); a request only picks which set its reads use.
    const repositoriesByDatabase = new WeakMap<ReadDatabase, Repositories>();
    function repositoriesOn(database: ReadDatabase): Repositories {
      let repositories = repositoriesByDatabase.get(database);
      if (!repositories) {
        repositories = createRepositories(database.db, { queryRows: database.queryRows });
        repositoriesByDatabase.set(database, repositories);
      }
      return repositories;
    }
    const writerReads: ReadRunner = {
      run: async (read) => {
        refuseWhileWritesUnavailable();
        try {
          return await read(repositoriesOn(writer));
        } catch (error) {
          noteWriteFailure(error);
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
          refuseWhileWritesUnavailable();
          try {
            const { result, gtid } = await unitOfWork.run((trx) => work(createRepositories(trx)));
            if (gtid) onCommit(gtid);
            return result;
          } catch (error) {
            noteWriteFailure(error);
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

    /** The request's reads go where its session chose, a reader or the writer, falling back inside the session. */
    function routedReads(request: FastifyRequest): ReadRunner {
      return {
        run: (read) => {
          request.readSession ??= app.databases.openReadSession(request.consistencyToken);
          return request.readSession.run((database, target) => {
            if (target === 'primary') refuseWhileWritesUnavailable();
            return read(repositoriesOn(database));
          });
        },
      };
    }

    app.decorateRequest('readSession', null);
    app.decorateRequest('requestWrites', null);
    function servicesFor(request: FastifyRequest, options: { primaryReads?: boolean }): DomainServices {
      return bindServices(
        options.primaryReads ? writerReads : routedReads(request),
        (gtid) => {
          request.committedGtid = gtid;
        },
        () => request.requestWrites,
      );
    }
    app.decorateRequest('services', function (this: FastifyRequest, options: { primaryReads?: boolean } = {}) {
      return servicesFor(this, options);
    });
    // Background jobs read and write the writer; no client waits for their GTID.
    app.decorate('backgroundServices', () => bindServices(writerReads, () => {}));

    // One hook for the read-your-writes headers: the committed write's GTID (the client's next
    // token), and, for an answer that read through a session, where and how stale it may be.
    app.addHook('onSend', (request, reply, payload, done) => {
      if (request.committedGtid) reply.header(consistencyHeader, request.committedGtid);
      const freshness = request.readSession?.freshness();
      if (freshness) {
        reply.header(readSourceHeader, freshness.source);
        reply.header(readLagBoundHeader, String(freshness.lagBoundMs));
      }
      done(null, payload);
    });
  },
  { name: 'domain-services', dependencies: ['databases', 'request-context'] },
);
