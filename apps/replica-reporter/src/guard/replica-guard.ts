import type { Logger } from 'pino';
import { findWritePrivileges, readOwnGrants, readReplicaRole, type RunSql } from '@chucar/platform';
import { ReportRefusal } from './refusal.ts';

/**
 * Why the server behind `run` is not a replica this account may only read, or null when it is:
 * `read_only` on, replication configured and running, and no privilege in SHOW GRANTS beyond reading.
 */
export async function replicaOnlyViolation(run: RunSql): Promise<string | null> {
  const role = await readReplicaRole(run);
  if (!role.readOnly) return 'the server is writable (@@read_only = 0): this is not the read-only replica';
  if (!role.replicationConfigured) return 'replication is not configured on this server: it is not a replica';
  if (!role.replicationRunning) return 'replication is configured but not running (IO or SQL thread stopped): the data would silently go stale';
  const writes = findWritePrivileges(await readOwnGrants(run));
  if (writes.length > 0) return `the reporter account holds write privileges (${[...new Set(writes)].join(', ')}): it must hold SELECT only`;
  return null;
}

export const BREAK_GLASS_WARNING = 'BREAK GLASS: REPORTER_ALLOW_NON_REPLICA is set; reporting from a server that failed the replica checks';

/**
 * Checks at start and before every run. With the break-glass setting a violation is logged at
 * error level, every time, and travels with the report as a warning instead of refusing it.
 */
export class ReplicaGuard {
  readonly #run: RunSql;
  readonly #allowNonReplica: boolean;
  readonly #log: Logger;

  constructor(run: RunSql, options: { allowNonReplica: boolean; log: Logger }) {
    this.#run = run;
    this.#allowNonReplica = options.allowNonReplica;
    this.#log = options.log;
    if (this.#allowNonReplica) this.#log.error({ breakGlass: true }, `${BREAK_GLASS_WARNING} whenever they fail`);
  }

  /** Resolves with the warnings a report must carry; rejects with a ReportRefusal. */
  async check(): Promise<string[]> {
    let violation: string | null;
    try {
      violation = await replicaOnlyViolation(this.#run);
    } catch (error) {
      throw new ReportRefusal('replica_unreachable', `the replica could not be checked: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, 5);
    }
    if (violation === null) return [];
    if (!this.#allowNonReplica) throw new ReportRefusal('not_a_replica', `refusing to report: ${violation}`, 60);
    this.#log.error({ breakGlass: true, violation }, BREAK_GLASS_WARNING);
    return [`${BREAK_GLASS_WARNING}: ${violation}`];
  }
}
