/**
 * Loads deterministic demo data into the marketplace tables of a migrated database: the demo
 * catalog (if empty), staff, dealers, customers, then quote requests with their quotes.
 *
 * Determinism: every choice (who, which trim and options, where, how many quotes from whom,
 * at what discount, what happened to the request) is drawn from a PRNG seeded by `seed`, and
 * every instant is an offset from `now` (the run's start unless given). The same seed, counts
 * and `now` give identical rows, except the password hash (scrypt salts it randomly). Runs
 * at different times use the calendar of their own year, so some rows differ between them.
 *
 * Writes go to the given database (the primary, or a Galera cluster's writer node) in multi-row
 * INSERTs with explicit ids taken from MAX(id), one transaction per batch, or on a Galera node as
 * many as keep each write-set inside the node's limits (`transactionLimits`). Nothing else may
 * write these tables meanwhile.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { hashPassword } from '@chucar/domain';
import type { Database } from '@chucar/domain';
import { executeInTransactions, insertLimitsWithin, insertStatements, UNLIMITED_TRANSACTIONS, type InsertLimits, type InsertStatement, type TransactionLimits } from './bulk-insert.ts';
import { DEMO_LOGINS, DEMO_PASSWORD, generateAccounts } from './generate-accounts.ts';
import { createRequestGenerator } from './generate-requests.ts';
import { ensureCatalog, loadCatalog, nextIds } from './seed-catalog.ts';
import { DEMO_EMAIL_DOMAIN } from './seed-rows.ts';
import type { RequestBatch, RowOf } from './seed-rows.ts';

export type SeedOptions = {
  requests: number;
  customers: number;
  dealers: number;
  seed: number;
  /** Delete the existing marketplace rows first (otherwise a non-empty marketplace is refused). */
  reset?: boolean;
  /** The instant the data leads up to; defaults to the start of the run. */
  now?: Date;
  /** Requests per transaction. */
  batchSize?: number;
  /** Batches written at the same time, each on its own pooled connection. */
  concurrency?: number;
  /** What one transaction may write (a Galera node's write-set limits, see write-set-limits.ts); none by default. */
  transactionLimits?: TransactionLimits;
};

export const DEFAULT_SEED_OPTIONS = { requests: 2_000, customers: 5_000, dealers: 400, seed: 1 } as const;

export type SeedPhase = 'accounts' | 'requests';
export type SeedProgress = { phase: SeedPhase; done: number; total: number; rowsWritten: number };

export const SEED_TABLES = ['accounts', 'dealer_profiles', 'dealer_regions', 'quote_requests', 'quote_request_options', 'quotes', 'quote_revisions'] as const;
export type SeedTable = (typeof SEED_TABLES)[number];
export type SeedSummary = {
  rows: Record<SeedTable, number>;
  catalogTrimsInserted: number;
  logins: typeof DEMO_LOGINS;
  password: string;
};

export class MarketplaceNotEmptyError extends Error {
  readonly quoteRequests: number;
  readonly demoAccounts: number;
  constructor(quoteRequests: number, demoAccounts: number) {
    super(`the database already has ${quoteRequests} quote requests and ${demoAccounts} demo accounts; pass --reset to replace them`);
    this.name = 'MarketplaceNotEmptyError';
    this.quoteRequests = quoteRequests;
    this.demoAccounts = demoAccounts;
  }
}

const DEMO_EMAIL_PATTERN = `%@${DEMO_EMAIL_DOMAIN}`;

async function countMarketplace(db: Kysely<Database>): Promise<{ quoteRequests: number; demoAccounts: number }> {
  const requests = await db.selectFrom('quote_requests').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
  const accounts = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('email', 'like', DEMO_EMAIL_PATTERN)
    .executeTakeFirstOrThrow();
  return { quoteRequests: Number(requests.count), demoAccounts: Number(accounts.count) };
}

/** True when there are no quote requests and no seeded (demo-domain) accounts: seeding cannot collide. */
export async function isMarketplaceEmpty(db: Kysely<Database>): Promise<boolean> {
  const counts = await countMarketplace(db);
  return counts.quoteRequests === 0 && counts.demoAccounts === 0;
}

/**
 * Deletes every quote request and quote, and every seeded account with its dealer rows, refresh
 * tokens and media rows (not their objects in S3), children before parents, in one transaction.
 * Other accounts, the catalog, the schema and the migration history stay.
 */
export async function resetMarketplace(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of ['quote_revisions', 'quotes', 'quote_request_attachments', 'quote_request_options', 'quote_requests'] as const) {
      await trx.deleteFrom(table).execute();
    }
    const demoAccountIds = trx.selectFrom('accounts').select('id').where('email', 'like', DEMO_EMAIL_PATTERN);
    // Demo accounts may have uploaded media through the running stack; its rows would block their deletion.
    const demoMediaIds = trx.selectFrom('media').select('id').where('owner_id', 'in', demoAccountIds);
    await trx.deleteFrom('media_variants').where('media_id', 'in', demoMediaIds).execute();
    await trx.deleteFrom('media').where('owner_id', 'in', demoAccountIds).execute();
    await trx.deleteFrom('refresh_tokens').where('account_id', 'in', demoAccountIds).execute();
    await trx.deleteFrom('dealer_regions').where('dealer_id', 'in', demoAccountIds).execute();
    await trx.deleteFrom('dealer_profiles').where('account_id', 'in', demoAccountIds).execute();
    await trx.deleteFrom('accounts').where('email', 'like', DEMO_EMAIL_PATTERN).execute();
  });
}

function checkOptions(options: SeedOptions): void {
  for (const key of ['requests', 'customers', 'dealers', 'seed'] as const) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 0) throw new RangeError(`${key} must be a whole number >= 0`);
  }
  if (options.customers < 1) throw new RangeError('customers must be at least 1 (the demo customer)');
  if (options.dealers < 1) throw new RangeError('dealers must be at least 1 (the demo dealer)');
}

export async function seedDemoData(db: Kysely<Database>, options: SeedOptions, onProgress?: (progress: SeedProgress) => void): Promise<SeedSummary> {
  checkOptions(options);
  const nowMs = (options.now ?? new Date()).getTime();
  const batchSize = options.batchSize ?? 2_000;
  const concurrency = options.concurrency ?? 2;
  const transactionLimits = options.transactionLimits ?? UNLIMITED_TRANSACTIONS;
  const insertLimits = insertLimitsWithin(transactionLimits);

  if (options.reset) await resetMarketplace(db);
  const existing = await countMarketplace(db);
  if (existing.quoteRequests > 0 || existing.demoAccounts > 0) throw new MarketplaceNotEmptyError(existing.quoteRequests, existing.demoAccounts);

  const catalogTrimsInserted = await ensureCatalog(db, undefined, transactionLimits);
  const catalog = await loadCatalog(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const next = await nextIds(db, ['accounts', 'quote_requests', 'quotes', 'quote_revisions']);

  const rows = Object.fromEntries(SEED_TABLES.map((table) => [table, 0])) as Record<SeedTable, number>;
  let rowsWritten = 0;
  const count = (table: SeedTable, written: number) => {
    rows[table] += written;
    rowsWritten += written;
  };

  const seeded = generateAccounts({ seed: options.seed, customers: options.customers, dealers: options.dealers, nowMs, firstId: next.accounts, passwordHash });
  const accountTotal = seeded.accounts.length;
  onProgress?.({ phase: 'accounts', done: 0, total: accountTotal, rowsWritten });
  // Staff and dealers first (one transaction), then customers in slices.
  const staffAndDealers = seeded.accounts.length - options.customers;
  for (let start = 0; start < accountTotal; ) {
    const end = start === 0 ? staffAndDealers : Math.min(start + 5_000, accountTotal);
    const slice = seeded.accounts.slice(start, end);
    const statements = [...accountStatements(slice, insertLimits)];
    if (start === 0) {
      statements.push(...insertStatements('dealer_profiles', ['account_id', 'dealership_name', 'reviewed_by', 'reviewed_at'], seeded.dealerProfiles, insertLimits));
      statements.push(...insertStatements('dealer_regions', ['dealer_id', 'region'], seeded.dealerRegions, insertLimits));
    }
    await executeInTransactions(db, statements, transactionLimits);
    count('accounts', slice.length);
    if (start === 0) {
      count('dealer_profiles', seeded.dealerProfiles.length);
      count('dealer_regions', seeded.dealerRegions.length);
    }
    start = end;
    onProgress?.({ phase: 'accounts', done: start, total: accountTotal, rowsWritten });
  }

  const generate = createRequestGenerator({
    seed: options.seed,
    requests: options.requests,
    nowMs,
    firstRequestId: next.quote_requests,
    catalog,
    customers: seeded.customers,
    dealers: seeded.dealers,
  });
  onProgress?.({ phase: 'requests', done: 0, total: options.requests, rowsWritten });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let done = 0;
  let quoteId = next.quotes;
  let revisionId = next.quote_revisions;
  for (let start = 0; start < options.requests && failure === undefined; start += batchSize) {
    // Generating the next batch overlaps with the database writing the previous ones.
    const size = Math.min(batchSize, options.requests - start);
    const batch = generate(start, size, quoteId, revisionId);
    quoteId = batch.nextQuoteId;
    revisionId = batch.nextRevisionId;
    const write = executeInTransactions(db, requestBatchStatements(batch, insertLimits), transactionLimits).then(
      () => {
        count('quote_requests', batch.requests.length);
        count('quote_request_options', batch.options.length);
        count('quotes', batch.quotes.length);
        count('quote_revisions', batch.revisions.length);
        done += size;
        onProgress?.({ phase: 'requests', done, total: options.requests, rowsWritten });
      },
      (error: unknown) => {
        failure ??= error;
      },
    );
    inFlight.add(write);
    void write.finally(() => inFlight.delete(write));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { rows, catalogTrimsInserted, logins: DEMO_LOGINS, password: DEMO_PASSWORD };
}

function accountStatements(accounts: readonly RowOf<'accounts'>[], limits: InsertLimits): InsertStatement[] {
  return insertStatements('accounts', ['id', 'email', 'password_hash', 'role', 'status', 'display_name', 'created_at', 'updated_at'], accounts, limits);
}

/** Parents before children, so a batch cut into several transactions never references a row not yet written. */
function requestBatchStatements(batch: RequestBatch, limits: InsertLimits): InsertStatement[] {
  return [
    ...insertStatements(
      'quote_requests',
      ['id', 'customer_id', 'maker_id', 'model_id', 'trim_id', 'region', 'purchase_timing', 'payment_method', 'note', 'list_price_krw', 'status', 'expires_at', 'accepted_quote_id', 'closed_at', 'created_at', 'updated_at'],
      batch.requests,
      limits,
    ),
    ...insertStatements('quote_request_options', ['request_id', 'option_code', 'option_name', 'price_krw'], batch.options, limits),
    ...insertStatements('quotes', ['id', 'request_id', 'dealer_id', 'price_krw', 'discount_krw', 'conditions', 'valid_until', 'status', 'revision', 'created_at', 'updated_at'], batch.quotes, limits),
    ...insertStatements('quote_revisions', ['id', 'quote_id', 'revision', 'price_krw', 'discount_krw', 'conditions', 'valid_until', 'created_at'], batch.revisions, limits),
  ];
}

/** Row counts of the seeded tables, read back (for checks and the CLI's summary). */
export async function countSeededTables(db: Kysely<Database>): Promise<Record<SeedTable, number>> {
  const counts = {} as Record<SeedTable, number>;
  for (const table of SEED_TABLES) {
    const result = await sql<{ count: number | string }>`SELECT COUNT(*) AS count FROM ${sql.table(table)}`.execute(db);
    counts[table] = Number(result.rows[0]?.count ?? 0);
  }
  return counts;
}
