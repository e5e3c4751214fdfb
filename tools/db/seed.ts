/**
 * `npm run db:seed -- [--requests N] [--customers N] [--dealers N] [--seed S] [--reset] [--database NAME]`
 *
 * Loads deterministic demo data into the primary (the replica follows by replication), or with
 * DB_CLUSTER_NODES set into the Galera cluster's writer node, in transactions inside that node's
 * write-set limits (Galera replicates each to the other nodes). `npm run db:seed` runs with the
 * local stack's settings, as `npm start`'s services do, so it writes to the stack's cluster; an
 * empty DB_CLUSTER_NODES writes to the primary. See
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
import { clusterDatabaseEnv, createDatabase, primaryDatabaseEnv, readEnv, runtimeEnv } from '@chucar/platform';
import type { Database as Schema } from '@chucar/domain';
import { SEED_USAGE, UsageError, parseSeedArgs } from './seed/cli-args.ts';
import { createProgressBar } from './seed/progress.ts';
import { MarketplaceNotEmptyError, seedDemoData } from './seed/seed-demo-data.ts';
import type { SeedSummary } from './seed/seed-demo-data.ts';
import { createDatabaseIfMissing } from './seed/target-database.ts';
import { describeTransactionLimits, readWriteSetSettings, transactionLimitsFor } from './seed/write-set-limits.ts';
import { writeTargetSettings } from './cluster-writer-node.ts';
import { applyPendingMigrations } from './migrations.ts';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseSeedArgs(argv);
  if (args.help) {
    console.log(SEED_USAGE);
    return;
  }
  const config = readEnv({ ...runtimeEnv, ...primaryDatabaseEnv, ...clusterDatabaseEnv });
  const databaseName = args.database ?? config.DB_NAME;
  const { settings, writer } = await writeTargetSettings(config, { database: databaseName, poolSize: 3, queryTimeoutMs: 10 * 60_000 });
  if (writer) {
    for (const { address, reason } of writer.skipped) console.error(`${address}: skipped, ${reason}`);
    console.error(`${settings.host}:${settings.port}: the cluster's writer, seeding there`);
  }
  // Only a database named on the command line may need creating (DB_NAME exists wherever the app runs),
  // so the admin account is needed only then.
  const server = { host: settings.host, port: settings.port, connectTimeoutMs: settings.connectTimeoutMs };
  if (args.database !== undefined && (await createDatabaseIfMissing(server, databaseName))) console.error(`${databaseName}: created`);

  const database = createDatabase<Schema>(settings);
  try {
    for (const name of await applyPendingMigrations(database.db)) console.error(`${databaseName}: applied ${name}`);
    const writeSetSettings = await readWriteSetSettings(database.db);
    const transactionLimits = transactionLimitsFor(writeSetSettings);
    if (writeSetSettings?.wsrepOn) console.error(`${settings.host}:${settings.port}: ${describeTransactionLimits(writeSetSettings, transactionLimits)}`);
    const progress = createProgressBar(process.stderr);
    const startedMs = performance.now();
    let summary: SeedSummary;
    try {
      summary = await seedDemoData(database.db, { ...args, transactionLimits }, (update) => progress.update(update));
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
