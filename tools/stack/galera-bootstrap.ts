/**
 * After quorum loss (two of three nodes gone, or all of them): bootstraps a new Primary component
 * from the most advanced node, then brings the others back so they rejoin it.
 */
import { bootstrapPrimaryComponent, runSqlOnConnection } from '@chucar/platform';
import type { StackConfig } from './config.ts';
import { galeraNodes, hasData, nodeProgressOf, readNodeStatus, restartGaleraNode, runningPid, startAsNewCluster, waitForSynced } from './galera.ts';
import { chooseMostAdvancedNode, type GaleraNode, type NodeProgress } from './galera-state.ts';
import { rootConnection } from './mariadb.ts';

export interface BootstrapReport {
  /** 'none' when a node already was in a Primary component. */
  action: 'pc.bootstrap' | 'new cluster' | 'none';
  node: string;
  reason: string;
  seconds: number;
}

type Candidate = { node: GaleraNode; progress: NodeProgress & { startPosition?: string } };

async function candidatesOf(nodes: GaleraNode[]): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  for (const node of nodes) {
    if (runningPid(node) !== null) {
      const status = await readNodeStatus(node);
      candidates.push({ node, progress: { name: node.name, running: true, seqno: status?.lastCommitted ?? null, seqnoSource: 'wsrep_last_committed', safeToBootstrap: false } });
    } else if (hasData(node)) {
      candidates.push({ node, progress: nodeProgressOf(node) });
    }
  }
  return candidates;
}

/**
 * Chooses the most advanced node and makes it Primary: `pc.bootstrap=YES` on a running survivor,
 * or a start with --wsrep-new-cluster for a stopped one; then starts every other stopped node.
 * `dryRun` only reports the choice.
 */
export async function bootstrapAfterQuorumLoss(config: StackConfig, say: (line: string) => void, dryRun = false): Promise<BootstrapReport> {
  const started = Date.now();
  const nodes = galeraNodes(config);
  for (const node of nodes.filter((candidate) => runningPid(candidate) !== null)) {
    const status = await readNodeStatus(node);
    if (status?.clusterStatus === 'Primary') {
      const reason = `${node.name} is already in a Primary component of ${status.clusterSize}; nothing to bootstrap`;
      say(reason);
      if (!dryRun) await startStoppedNodes(config, nodes, say);
      return { action: 'none', node: node.name, reason, seconds: (Date.now() - started) / 1000 };
    }
  }
  const candidates = await candidatesOf(nodes);
  const choice = chooseMostAdvancedNode(candidates.map((candidate) => candidate.progress));
  const chosen = candidates.find((candidate) => candidate.progress === choice.node)!;
  const action = chosen.progress.running ? 'pc.bootstrap' : 'new cluster';
  say(`chose ${chosen.node.name} (port ${chosen.node.sqlPort}) as the most advanced node: ${choice.reason}`);
  if (dryRun) return { action, node: chosen.node.name, reason: choice.reason, seconds: (Date.now() - started) / 1000 };
  if (chosen.progress.running) {
    const connection = await rootConnection(chosen.node);
    try {
      await bootstrapPrimaryComponent(runSqlOnConnection(connection, 10_000));
    } finally {
      await connection.end();
    }
    await waitForSynced(chosen.node, runningPid(chosen.node)!, 60_000);
    say(`${chosen.node.name}: pc.bootstrap=YES, it is a Primary component again`);
  } else {
    await startAsNewCluster(chosen.node, chosen.progress.startPosition);
    say(`${chosen.node.name}: started with --wsrep-new-cluster`);
  }
  await startStoppedNodes(config, nodes, say);
  const seconds = (Date.now() - started) / 1000;
  say(`cluster of ${nodes.length} synced again (${seconds.toFixed(1)} s)`);
  return { action, node: chosen.node.name, reason: choice.reason, seconds };
}

async function startStoppedNodes(config: StackConfig, nodes: GaleraNode[], say: (line: string) => void): Promise<void> {
  for (const node of nodes) {
    const pid = runningPid(node);
    if (pid !== null) {
      // A survivor that was not chosen rejoins the new Primary component by itself.
      await waitForSynced(node, pid, 120_000);
      continue;
    }
    const restart = await restartGaleraNode(config, node.index);
    say(`${node.name}: rejoined in ${restart.seconds.toFixed(1)} s (state transfer: ${restart.stateTransfer})`);
  }
}
