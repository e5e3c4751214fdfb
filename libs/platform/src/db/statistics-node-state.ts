import type { RunSql } from './mariadb-dialect.ts';

/**
 * Whether a Galera node can serve a replica now: synced (wsrep_local_state 4), ready, and in the
 * primary component. Read with SHOW GLOBAL STATUS in a statement of its own.
 */
export async function readNodeServingState(run: RunSql): Promise<{ serving: boolean; state: string }> {
  const rows = await run("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state', 'wsrep_local_state_comment', 'wsrep_ready', 'wsrep_cluster_status')");
  const value = (name: string) => String(rows.find((row) => String(row['Variable_name']).toLowerCase() === name)?.['Value'] ?? '');
  const serving = Number(value('wsrep_local_state')) === 4 && value('wsrep_ready') === 'ON' && value('wsrep_cluster_status') === 'Primary';
  return { serving, state: `${value('wsrep_local_state_comment') || 'no wsrep state'}, ${value('wsrep_cluster_status') || 'no cluster'}${value('wsrep_ready') === 'ON' ? '' : ', not ready'}` };
}
