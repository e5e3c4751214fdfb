import type { Kysely } from 'kysely';
import type { AccountsRepository, RefreshTokensRepository } from './accounts/accounts.repository.ts';
import { createKyselyAccountsRepository } from './accounts/accounts.kysely-repository.ts';
import { createKyselyRefreshTokensRepository } from './accounts/refresh-tokens.kysely-repository.ts';
import { createKyselyCatalogRepository } from './catalog/catalog.kysely-repository.ts';
import type { CatalogRepository } from './catalog/catalog.repository.ts';
import { createKyselyMediaRepository } from './media/media.kysely-repository.ts';
import type { MediaRepository } from './media/media.repository.ts';
import { createKyselyQuoteRequestsRepository } from './quote-requests/quote-requests.kysely-repository.ts';
import type { QuoteRequestsRepository } from './quote-requests/quote-requests.repository.ts';
import { createKyselyQuotesRepository } from './quotes/quotes.kysely-repository.ts';
import type { QuotesRepository } from './quotes/quotes.repository.ts';
import type { Database } from './schema/database.ts';
import { queryRowsThrough, type QueryRows } from './schema/kysely-helpers.ts';

export type Repositories = {
  catalog: CatalogRepository;
  accounts: AccountsRepository;
  refreshTokens: RefreshTokensRepository;
  quoteRequests: QuoteRequestsRepository;
  quotes: QuotesRepository;
  media: MediaRepository;
};

/**
 * Runs `fn`'s reads on the server the caller chose for them: the gateway picks the replica when it
 * is fresh enough, else the primary, and re-runs `fn` on the primary if the replica fails midway,
 * so `fn` must only read. Tools and tests bind it to one set of repositories (`readsFrom`).
 */
export type ReadRunner = {
  run<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
};

/** A ReadRunner over one fixed set of repositories: a primary, a replica, or in-memory fakes. */
export function readsFrom(repos: Repositories): ReadRunner {
  return { run: (fn) => fn(repos) };
}

/**
 * Runs `fn` in one transaction on the primary and commits if it resolves.
 * The gateway implements it (and may capture the GTID after commit); the domain never
 * opens connections itself.
 */
export type WriteRunner = {
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T>;
};

export interface RepositoryOptions {
  /**
   * Runs the hot reads' compiled statements on the same server as `db` (the gateway passes its pool's
   * callback path, which skips Kysely's executor); Kysely's executor when left out.
   */
  queryRows?: QueryRows;
}

/** Binds every repository to one executor: a primary, a replica, or an open transaction. */
export function createRepositories(db: Kysely<Database>, options: RepositoryOptions = {}): Repositories {
  return {
    catalog: createKyselyCatalogRepository(db),
    accounts: createKyselyAccountsRepository(db),
    refreshTokens: createKyselyRefreshTokensRepository(db),
    quoteRequests: createKyselyQuoteRequestsRepository(db, options.queryRows ?? queryRowsThrough(db)),
    quotes: createKyselyQuotesRepository(db),
    media: createKyselyMediaRepository(db),
  };
}

/** A WriteRunner over a Kysely primary, for tools and tests that have no gateway around them. */
export function createKyselyWriteRunner(primary: Kysely<Database>): WriteRunner {
  return {
    transaction: (fn) => primary.transaction().execute((trx) => fn(createRepositories(trx))),
  };
}
