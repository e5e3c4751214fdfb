/**
 * `npm run db:migrate`: applies pending migrations to the primary only; the replica gets them by
 * replication. With DB_CLUSTER_NODES set (a Galera cluster), they run on the node writes go to,
 * the first synced node of the list in a primary component, as the gateway chooses it; Galera
 * replicates each DDL statement to the other nodes (total order isolation) before it returns.
 */
import { clusterDatabaseEnv, createDatabase, primaryDatabaseEnv, readEnv, runtimeEnv } from '@chucar/platform';
import { applyPendingMigrations } from './migrations.ts';
import { writeTargetSettings } from './cluster-writer-node.ts';

async function main(): Promise<void> {
  const config = readEnv({ ...runtimeEnv, ...primaryDatabaseEnv, ...clusterDatabaseEnv });
  const { settings, writer } = await writeTargetSettings(config, { poolSize: 1, queryTimeoutMs: 10 * 60_000 });
  if (writer) {
    for (const { address, reason } of writer.skipped) console.error(`${address}: skipped, ${reason}`);
    console.error(`${writer.node.host}:${writer.node.port}: the cluster's writer, migrating there`);
  }
  const database = createDatabase(settings);
  try {
    const applied = await applyPendingMigrations(database.db);
    if (applied.length === 0) console.log(`${config.DB_NAME}: schema is up to date`);
    for (const name of applied) console.log(`${config.DB_NAME}: applied ${name}`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
