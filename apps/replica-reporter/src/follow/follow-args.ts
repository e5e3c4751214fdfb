import { parseArgs } from 'node:util';
import { UsageError } from '../cli/cli-args.ts';

export type FollowArgs = { kind: 'help' } | { kind: 'serve' } | { kind: 'once' };

export const FOLLOW_USAGE = `Usage: npm run reporter:follow [-- --once]

Keeps the statistics replica (STATISTICS_REPLICA_HOST:PORT, read_only) following a live node of the
Galera cluster: when the node it follows is gone for STATISTICS_SOURCE_GRACE_MS, it is repointed by
GTID to the first node of STATISTICS_SOURCE_NODES that is synced in the primary component and whose
binary log still covers the replica's position; with none, nothing is changed and it is reported.

  (no flag)    follow until stopped, with /metrics and /health on REPORTER_HOST:STATISTICS_FOLLOW_PORT
  --once       look (and repoint if the followed node is gone) until the outcome is clear, print it, exit
  -h, --help   this help

Exit 0 following a serving node (or repointed to one), 1 refused, blocked or failed, 2 bad usage.`;

/** Strict: an unknown flag or a positional argument is a UsageError. */
export function parseFollowArgs(argv: readonly string[]): FollowArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help) return { kind: 'help' };
  return values.once ? { kind: 'once' } : { kind: 'serve' };
}
