/**
 * `npm run db:seed -- [--requests N] [--customers N] [--dealers N] [--seed S] [--reset] [--database NAME]`
 *
 * Loads deterministic demo data into the primary (the replica follows by replication); see
 * seed/seed-demo-data.ts for what is generated and what "deterministic" means. Refuses a
 * database that already has quote requests or demo accounts unless --reset (exit 1); a bad
 * flag exits 2. Progress goes to stderr, the summary to stdout.
 *
 * Demo logins, all with the password `chucar-demo-1234`:
 *   customer@demo.chucar.kr   a customer with a couple of dozen requests
 *   dealer@demo.chucar.kr     an active dealer serving seoul and gyeonggi
 *   analyst@demo.chucar.kr    an analyst (analyst.2@, analyst.3@ too)
 *   admin@demo.chucar.kr      the admin who reviewed the dealers
 * Every other seeded account is <name>.<n>@demo.chucar.kr or dealer.<nnnn>@demo.chucar.kr, same password.
 */
import { createDatabase, primaryDatabaseEnv, primaryDatabaseSettings, readEnv, runtimeEnv } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { SEED_USAGE, UsageError, parseSeedArgs } from './seed/cli-args.ts';
import { createProgressBar } from './seed/progress.ts';
import { MarketplaceNotEmptyError, seedDemoData } from './seed/seed-demo-data.ts';
import type { SeedSummary } from './seed/seed-demo-data.ts';
import { createDatabaseIfMissing } from './seed/target-database.ts';
import { applyPendingMigrations } from './migrations.ts';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseSeedArgs(argv);
  if (args.help) {
    console.log(SEED_USAGE);
    return;
  }
  const config = readEnv({ ...runtimeEnv, ...primaryDatabaseEnv });
  const databaseName = args.database ?? config.DB_NAME;
  const server = { host: config.DB_PRIMARY_HOST, port: config.DB_PRIMARY_PORT, connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS };
  // Only a database named on the command line may need creating (DB_NAME exists wherever the app runs),
  // so the admin account is needed only then.
  if (args.database !== undefined && (await createDatabaseIfMissing(server, databaseName))) console.error(`${databaseName}: created`);

  const database = createDatabase<Schema>(primaryDatabaseSettings(config, { database: databaseName, poolSize: 3, queryTimeoutMs: 10 * 60_000 }));
  try {
    for (const name of await applyPendingMigrations(database.db)) console.error(`${databaseName}: applied ${name}`);
    const progress = createProgressBar(process.stderr);
    const startedMs = performance.now();
    let summary: SeedSummary;
    try {
      summary = await seedDemoData(database.db, args, (update) => progress.update(update));
    } finally {
      progress.finish();
    }
    printSummary(databaseName, summary, (performance.now() - startedMs) / 1000);
  } finally {
    await database.close();
  }
}

function printSummary(databaseName: string, summary: SeedSummary, seconds: number): void {
  const total = Object.values(summary.rows).reduce((sum, rows) => sum + rows, 0);
  const number = (value: number) => value.toLocaleString('en-US');
  console.log(`Seeded ${databaseName} in ${seconds.toFixed(1)} s (${number(total)} rows, ${number(Math.round(total / seconds))} rows/s):`);
  if (summary.catalogTrimsInserted > 0) console.log(`  catalog                ${number(summary.catalogTrimsInserted)} trims (demo catalog)`);
  for (const [table, rows] of Object.entries(summary.rows)) console.log(`  ${table.padEnd(22)} ${number(rows)}`);
  console.log(`Demo logins (password ${summary.password}):`);
  for (const [role, email] of Object.entries(summary.logins)) console.log(`  ${role.padEnd(9)} ${email}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) {
    console.error(`db:seed: ${message} (--help for usage)`);
    process.exit(2);
  }
  console.error(`db:seed: ${error instanceof MarketplaceNotEmptyError ? message : message.split('\n')[0]}`);
  process.exit(1);
});
