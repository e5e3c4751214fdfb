import { expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { ClusterNodeHealth } from './cluster-monitor.ts';
import { registerDatabaseClusterMetrics } from './database-cluster-metrics.ts';
import type { GaleraNodeState } from './galera-dialect.ts';

const synced: GaleraNodeState = { localState: 4, localStateComment: 'Synced', ready: true, clusterStatus: 'Primary', clusterSize: 2, connected: true, lastCommitted: 10 };

function health(name: string, role: ClusterNodeHealth['role'], state: GaleraNodeState | null): ClusterNodeHealth {
  return { name, address: `127.0.0.1:${name}`, state, gtidIdentity: null, role, lastError: state ? null : 'connect ECONNREFUSED', checkedAt: new Date() };
}

async function valuesOf(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return Object.fromEntries((metric?.values ?? []).map((value) => [String(value.labels['node'] ?? value.labels['reason'] ?? ''), value.value]));
}

it('publishes each node as the last probes saw it, and the writer', async () => {
  let nodes: ClusterNodeHealth[] = [health('node1', 'unavailable', null), health('node2', 'writer', synced), health('node3', 'unavailable', { ...synced, localState: 2, localStateComment: 'Donor/Desynced' })];
  const registry = new Registry();
  const decisions = registerDatabaseClusterMetrics(registry, () => nodes);
  expect(await valuesOf(registry, 'db_cluster_node_synced')).toEqual({ node1: 0, node2: 1, node3: 0 });
  expect(await valuesOf(registry, 'db_cluster_node_reachable')).toEqual({ node1: 0, node2: 1, node3: 1 });
  expect(await valuesOf(registry, 'db_cluster_writer')).toEqual({ node1: 0, node2: 1, node3: 0 });
  expect(await valuesOf(registry, 'db_cluster_size')).toEqual({ '': 2 });

  nodes = nodes.map((node) => ({ ...node, role: 'unavailable' }));
  expect(await valuesOf(registry, 'db_cluster_writer')).toEqual({ node1: 0, node2: 0, node3: 0 });
  expect(await valuesOf(registry, 'db_cluster_size')).toEqual({ '': 0 });

  decisions.inc({ reason: 'writer_gtid_timeout' });
  expect(await valuesOf(registry, 'db_cluster_read_decisions_total')).toMatchObject({ reader: 0, reader_gtid_reached: 0, writer_gtid_timeout: 1 });
});
