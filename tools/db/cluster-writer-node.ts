import { clusterNodeSettings, createDatabase, isServingNode, primaryDatabaseSettings, readGaleraNodeState, withTimeout, type ClusterDatabaseEnv, type DatabaseSettings, type PrimaryDatabaseEnv } from '@chucar/platform';

export interface ClusterWriterNode {
  node: DatabaseSettings;
  /** Nodes before it in the list that could not take the migration, and why. */
  skipped: { address: string; reason: string }[];
}

/**
 * The node a one-off tool should write to: the first of the list (the gateway's order of
 * preference) that is synced and in a primary component. Each node is asked once, bounded by its
 * connect timeout; throws, naming every node's state, when none serves.
 */
export async function findClusterWriterNode(nodes: readonly DatabaseSettings[]): Promise<ClusterWriterNode> {
  const skipped: ClusterWriterNode['skipped'] = [];
  for (const node of nodes) {
    const address = `${node.host}:${node.port}`;
    const probe = createDatabase({ ...node, poolSize: 1, queryTimeoutMs: node.connectTimeoutMs });
    try {
      const state = await withTimeout(readGaleraNodeState(probe.runSql), node.connectTimeoutMs * 2, `state of cluster node ${address}`);
      if (isServingNode(state)) return { node, skipped };
      skipped.push({ address, reason: `${state.localStateComment}, ${state.clusterStatus}, ready ${state.ready ? 'ON' : 'OFF'}` });
    } catch (error) {
      skipped.push({ address, reason: error instanceof Error ? error.message : String(error) });
    } finally {
      await probe.close();
    }
  }
  throw new Error(`no node of DB_CLUSTER_NODES takes writes: ${skipped.map(({ address, reason }) => `${address} (${reason})`).join('; ')}`);
}

/**
 * Where a one-off tool (migrations, npm start's demo data) writes: the primary, or with
 * DB_CLUSTER_NODES the cluster's writer node (`writer` says which, and which nodes were skipped).
 */
export async function writeTargetSettings(
  config: PrimaryDatabaseEnv & ClusterDatabaseEnv,
  overrides: Partial<DatabaseSettings>,
): Promise<{ settings: DatabaseSettings; writer: ClusterWriterNode | null }> {
  const settings = primaryDatabaseSettings(config, overrides);
  if (config.DB_CLUSTER_NODES.length === 0) return { settings, writer: null };
  const writer = await findClusterWriterNode(clusterNodeSettings(config));
  return { settings: { ...settings, host: writer.node.host, port: writer.node.port }, writer };
}
