import { Counter, Gauge, type Registry } from 'prom-client';
import { nodeAddress, type FollowerState, type SourceNode } from '@chucar/platform';

/**
 * What the StatisticsReplica* alerts read. Gauges are read from the follower's last look at each
 * scrape; the repoint counter exists at 0 from the start, so increase() sees the first repoint.
 */
export function registerFollowerMetrics(registry: Registry, state: () => FollowerState, nodes: readonly SourceNode[]): { countRepoint(): void } {
  const repoints = new Counter({ name: 'statistics_replica_repoints_total', help: 'Times the follower repointed the statistics replica to another cluster node', registers: [registry] });
  repoints.inc(0);
  new Gauge({
    name: 'statistics_replica_source',
    help: 'The node the statistics replica follows (1), each other configured node (0), as of the follower’s last look',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const { replica } = state();
      const followed = replica ? `${replica.sourceHost}:${replica.sourcePort}` : null;
      for (const node of nodes) this.set({ node: nodeAddress(node) }, nodeAddress(node) === followed ? 1 : 0);
      if (followed !== null && !nodes.some((node) => nodeAddress(node) === followed)) this.set({ node: followed }, 1);
    },
  });
  new Gauge({
    name: 'statistics_replica_repoint_blocked',
    help: '1 while the followed node is gone and no node’s binary log covers the replica’s position (or none serves): a person must re-seed the replica or bring a node back',
    registers: [registry],
    collect() {
      this.set(state().decision?.action === 'blocked' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'statistics_replica_follower_hands_off',
    help: '1 while replication is in a state the follower leaves to a person (not configured, stopped by hand, an SQL thread error, a writable server)',
    registers: [registry],
    collect() {
      this.set(state().decision?.action === 'hands-off' ? 1 : 0);
    },
  });
  for (const [name, thread] of [
    ['statistics_replica_io_running', 'IO'],
    ['statistics_replica_sql_running', 'SQL'],
  ] as const) {
    new Gauge({
      name,
      help: `1 while the statistics replica's ${thread} thread runs (as of the follower's last look; 0 when it could not look)`,
      registers: [registry],
      collect() {
        const { replica } = state();
        this.set(replica && (thread === 'IO' ? replica.ioState === 'running' : replica.sqlRunning) ? 1 : 0);
      },
    });
  }
  return { countRepoint: () => repoints.inc() };
}
