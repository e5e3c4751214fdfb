/**
 * Process entry of the statistics replica follower: keeps the read-only statistics replica
 * following a live node of the Galera cluster (repointed by GTID when the followed node is gone,
 * never to a node whose binary log no longer covers the replica's position), with /metrics and
 * /health on STATISTICS_FOLLOW_PORT. `--once` looks until the outcome is clear, prints it and exits
 * without listening. Flags: follow/follow-args.ts.
 */
import { describeDecision, loadConfigOrExit, serveUntilSignalled } from '@chucar/platform';
import { UsageError } from './cli/cli-args.ts';
import { loadStatisticsFollowerConfig } from './config.ts';
import { FOLLOW_USAGE, parseFollowArgs, type FollowArgs } from './follow/follow-args.ts';
import { createFollowerService } from './follow/follower-service.ts';

let args: FollowArgs;
try {
  args = parseFollowArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`reporter follow: ${error.message} (npm run reporter:follow -- --help)`);
  process.exit(2);
}
if (args.kind === 'help') {
  console.log(FOLLOW_USAGE);
  process.exit(0);
}

const config = loadConfigOrExit('replica-reporter-follow', () => loadStatisticsFollowerConfig());
const { app, follower } = await createFollowerService(config);
const replica = `${config.STATISTICS_REPLICA_HOST}:${config.STATISTICS_REPLICA_PORT}`;

const refuse = async (message: string): Promise<never> => {
  console.error(`reporter follow: ${message}`);
  await app.close();
  process.exit(1);
};

// Only the statistics replica may be repointed: a writable server is a primary, or a node, or a mistake.
const readOnly = await follower.replicaIsReadOnly().catch((error: unknown) => refuse(`cannot check that ${replica} is read_only: ${error instanceof Error ? error.message : String(error)}`));
if (!readOnly) await refuse(`${replica} is not read_only: it is not the statistics replica, refusing to touch its replication`);

if (args.kind === 'once') {
  let exitCode = 1;
  try {
    const decision = await follower.settle();
    exitCode = decision.action === 'stay' || decision.action === 'repoint' ? 0 : 1;
    if (exitCode === 0) console.log(describeDecision(decision));
    else console.error(`reporter follow: ${describeDecision(decision)}`);
  } catch (error) {
    console.error(`reporter follow: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await app.close();
  }
  process.exit(exitCode);
}

await follower.start();
await serveUntilSignalled(app, { host: config.REPORTER_HOST, port: config.STATISTICS_FOLLOW_PORT });
