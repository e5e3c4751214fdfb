import { describe } from 'vitest';
import { accountsCases } from './accounts.cases.ts';
import { catalogCases } from './catalog.cases.ts';
import { mediaCases } from './media.cases.ts';
import { quoteRequestsCases } from './quote-requests.cases.ts';
import { quotesCases } from './quotes.cases.ts';
import { refreshTokensCases } from './refresh-tokens.cases.ts';
import type { OpenRepositories } from './world.ts';

export type { OpenRepositories } from './world.ts';

/**
 * What every implementation of the repository interfaces must do, as one suite: run it against
 * the in-memory fakes (unit) and the Kysely repositories on a real database (integration), so a
 * service test on the fakes means what it would mean on MariaDB. The Kysely side is the truth.
 */
export function describeRepositoryContract(backend: string, open: OpenRepositories): void {
  describe(`repository contract: ${backend}`, () => {
    catalogCases(open);
    accountsCases(open);
    refreshTokensCases(open);
    quoteRequestsCases(open);
    quotesCases(open);
    mediaCases(open);
  });
}
