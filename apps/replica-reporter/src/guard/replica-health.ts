import type { HealthCheck, RunSql } from '@chucar/platform';
import { readFreshness } from './freshness.ts';
import { replicaOnlyViolation } from './replica-guard.ts';

/**
 * The `replica` readiness check of every reporter process: down unless the database is a replica
 * this account can only read, degraded while it lags more than `lagWarnS`. Whether down makes the
 * process not ready is the caller's choice (`critical`).
 */
export function replicaHealthCheck(runSql: RunSql, options: { critical: boolean; lagWarnS: number }): HealthCheck {
  return {
    name: 'replica',
    critical: options.critical,
    probe: async () => {
      const violation = await replicaOnlyViolation(runSql);
      if (violation !== null) throw new Error(violation);
      const freshness = await readFreshness(runSql);
      const detail = `read-only replica, replication running, SELECT only; lag ${freshness.replicaLagSeconds} s`;
      return { status: freshness.replicaLagSeconds > options.lagWarnS ? 'degraded' : 'up', detail };
    },
  };
}
