import { Counter, Gauge, type Registry } from 'prom-client';
import { isNodeSynced, type ClusterNodeHealth } from './cluster-monitor.ts';
import { clusterReadDecisionReasons } from './cluster-read-session.ts';

/**
 * The cluster as the last probes saw it, read at each scrape: `db_cluster_node_synced{node}`,
 * `db_cluster_node_reachable{node}`, `db_cluster_writer{node}` (1 for the node writes go to) and
 * `db_cluster_size` (the writer's view of the primary component; 0 without a writer). Returns the
 * counter the read sessions' `onReadDecision` feeds.
 */
export function registerDatabaseClusterMetrics(registry: Registry, nodeHealth: () => readonly ClusterNodeHealth[]): Counter<'reason'> {
  new Gauge({
    name: 'db_cluster_node_synced',
    help: '1 while the node reports wsrep_local_state 4 (Synced)',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      for (const node of nodeHealth()) this.set({ node: node.name }, isNodeSynced(node) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_cluster_node_reachable',
    help: '1 while the node answered its last probe',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      for (const node of nodeHealth()) this.set({ node: node.name }, node.state !== null ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_cluster_writer',
    help: '1 for the node this instance sends writes to, 0 for the others',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      for (const node of nodeHealth()) this.set({ node: node.name }, node.role === 'writer' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_cluster_size',
    help: 'Nodes in the primary component as the writer reports it (wsrep_cluster_size); 0 without a writer',
    registers: [registry],
    collect() {
      this.set(nodeHealth().find((node) => node.role === 'writer')?.state?.clusterSize ?? 0);
    },
  });
  const readDecisions = new Counter<'reason'>({
    name: 'db_cluster_read_decisions_total',
    help: 'Where cluster reads went and why (a reader, a reader after the GTID wait, the writer because of a timeout, a failure, a foreign token or no other node)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of clusterReadDecisionReasons) readDecisions.inc({ reason }, 0);
  return readDecisions;
}
