/**
 * The local MariaDB Galera cluster: three nodes on loopback, each with its own folder under the
 * stack folder (galera-1..3). Starts them the way a careful operator would: a node that crashed
 * recovers its position first so it rejoins by IST, and a cluster with no node running starts
 * from its most advanced node.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type mysql from 'mysql2/promise';
import { isServingNode, readGaleraNodeState, runSqlOnConnection, type GaleraNodeState } from '@chucar/platform';
import type { StackConfig } from './config.ts';
import {
  chooseMostAdvancedNode,
  galeraDefaultsFile,
  galeraNodeLayout,
  galeraProviderLibrary,
  galeraRecoveryArguments,
  galeraServerArguments,
  markNotSafeToBootstrap,
  markSafeToBootstrap,
  parseGrastate,
  parseRecoveredPosition,
  stateTransferIn,
  type GaleraNode,
  type GaleraSavedState,
  type NodeProgress,
  type RecoveredPosition,
  type StartOptions,
  type StateTransfer,
} from './galera-state.ts';
import { bootstrapAccounts, initializeDataDir, rootConnection, socketPathFor } from './mariadb.ts';
import { ensureCommand, ensureInstalled, isAlive, portAnswers, readPid, spawnDetached, stopProcess } from './processes.ts';

export type Progress = (line: string) => void;

/** A joiner may need a full SST (17 s here, more on a busy machine). */
const joinTimeoutMs = 180_000;

export function galeraNodes(config: StackConfig): GaleraNode[] {
  return galeraNodeLayout({
    sqlPorts: config.DB_GALERA_PORTS,
    groupBasePort: config.DB_GALERA_GROUP_BASE_PORT,
    stateDir: config.stateDir,
    socketPath: socketPathFor,
    ...(config.galeraGroupListenHosts ? { groupListenHost: (index: number) => config.galeraGroupListenHosts![index - 1] ?? '127.0.0.1' } : {}),
  });
}

export function galeraNode(config: StackConfig, index: number): GaleraNode {
  const node = galeraNodes(config)[index - 1];
  if (!node) throw new Error(`there is no Galera node ${index}; the nodes are 1 to ${config.DB_GALERA_PORTS.length}`);
  return node;
}

export function ensureGaleraInstalled(): void {
  ensureCommand('mariadbd', 'mariadb-server');
  ensureInstalled(galeraProviderLibrary, () => fs.existsSync(galeraProviderLibrary), 'galera-4');
  // State transfers: the mariabackup SST scripts stream the backup with socat.
  ensureCommand('mariadb-backup', 'mariadb-backup');
  ensureCommand('socat', 'socat');
}

/** The pid of this node's server, or null: the pid file's process, if it still runs this node's option file. */
export function runningPid(node: GaleraNode): number | null {
  const pid = readPid(node.pidFile);
  if (!isAlive(pid)) return null;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(node.defaultsFile) ? pid : null;
  } catch {
    return null;
  }
}

function readSavedState(node: GaleraNode): GaleraSavedState | null {
  try {
    return parseGrastate(fs.readFileSync(path.join(node.dataDir, 'grastate.dat'), 'utf8'));
  } catch {
    return null;
  }
}

export function hasData(node: GaleraNode): boolean {
  return fs.existsSync(node.initializedMarker);
}

/**
 * Runs `mariadbd --wsrep-recover` (InnoDB recovery only, no network) and returns the position it
 * found, or null when the node never committed a writeset.
 */
export function recoverPosition(node: GaleraNode): RecoveredPosition | null {
  fs.rmSync(node.recoveryLogFile, { force: true });
  const result = spawnSync('mariadbd', galeraRecoveryArguments(node), { encoding: 'utf8', timeout: 120_000 });
  const log = fs.existsSync(node.recoveryLogFile) ? fs.readFileSync(node.recoveryLogFile, 'utf8') : '';
  const recovered = parseRecoveredPosition(log);
  if (result.status !== 0 || !recovered) {
    throw new Error(`mariadbd --wsrep-recover failed for ${node.name} (exit ${result.status}):\n${log.split('\n').slice(-15).join('\n')}`);
  }
  return recovered.seqno >= 0 ? recovered : null;
}

/** Where a stopped node's data stands: grastate.dat after a clean stop, else what InnoDB recovery finds. */
export function nodeProgressOf(node: GaleraNode): NodeProgress & { startPosition?: string } {
  const saved = readSavedState(node);
  if (saved && saved.seqno >= 0) return { name: node.name, running: false, seqno: saved.seqno, seqnoSource: 'grastate.dat', safeToBootstrap: saved.safeToBootstrap };
  const recovered = recoverPosition(node);
  return {
    name: node.name,
    running: false,
    seqno: recovered?.seqno ?? null,
    seqnoSource: 'recovered',
    safeToBootstrap: saved?.safeToBootstrap ?? false,
    ...(recovered ? { startPosition: recovered.position } : {}),
  };
}

async function withRootConnection<T>(node: GaleraNode, use: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await rootConnection(node);
  try {
    return await use(connection);
  } finally {
    await connection.end();
  }
}

/** The node's wsrep status over its socket, or null when it does not answer. */
export async function readNodeStatus(node: GaleraNode): Promise<GaleraNodeState | null> {
  return withRootConnection(node, (connection) => readGaleraNodeState(runSqlOnConnection(connection, 5000))).catch(() => null);
}

function logTail(file: string, lines = 20): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
}

export async function waitForSynced(node: GaleraNode, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`Galera ${node.name} (port ${node.sqlPort}) stopped while starting\n--- last lines of ${node.logFile} ---\n${logTail(node.logFile)}`);
    const status = await readNodeStatus(node);
    if (status && isServingNode(status)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Galera ${node.name} (port ${node.sqlPort}) was not synced within ${timeoutMs / 1000} s\n--- last lines of ${node.logFile} ---\n${logTail(node.logFile)}`);
}

function launch(node: GaleraNode, options: StartOptions): number {
  fs.mkdirSync(path.join(node.home, 'binlog'), { recursive: true });
  fs.mkdirSync(path.join(node.home, 'sst-logs'), { recursive: true });
  fs.mkdirSync(path.join(node.home, 'tmp'), { recursive: true });
  return spawnDetached('mariadbd', galeraServerArguments(node, options), path.join(node.home, 'stdout.log'), node.pidFile);
}

async function startAndWait(node: GaleraNode, options: StartOptions): Promise<void> {
  await waitForSynced(node, launch(node, options), joinTimeoutMs);
  // A node that joined with no data of its own got it by SST: from now on it is an ordinary node.
  if (!hasData(node)) fs.writeFileSync(node.initializedMarker, new Date().toISOString());
}

/** Start options for a node joining a running cluster: its recovered position when it crashed, so it can rejoin by IST. */
function joinOptions(node: GaleraNode): StartOptions {
  if (!hasData(node)) {
    // No data of its own: an empty folder, filled by a full state transfer (SST) from a donor.
    fs.rmSync(node.dataDir, { recursive: true, force: true });
    fs.mkdirSync(node.dataDir, { recursive: true });
    return {};
  }
  const saved = readSavedState(node);
  if (saved && saved.seqno >= 0) return {};
  const recovered = recoverPosition(node);
  return recovered ? { startPosition: recovered.position } : {};
}

function writeDefaultsFiles(nodes: GaleraNode[]): void {
  for (const node of nodes) {
    fs.mkdirSync(node.home, { recursive: true });
    fs.writeFileSync(node.defaultsFile, galeraDefaultsFile(node, nodes));
  }
}

/** Node 1's own files: its view of the cluster, its write-set cache and its logs. */
const notCopied = /^(gvwstate\.dat|galera\.cache|.*\.err|.*-bin\.index)$/;

/**
 * First start: node 1 alone creates the cluster and the accounts, stops cleanly, and its data
 * becomes nodes 2 and 3's, minus its own files. The copies hold the same state (uuid:seqno), so
 * they join by an IST of the few view changes since (seconds) instead of two full SSTs.
 */
async function initializeCluster(config: StackConfig, nodes: GaleraNode[], progress: Progress): Promise<void> {
  const [first, ...others] = nodes as [GaleraNode, ...GaleraNode[]];
  initializeDataDir(first);
  await startAndWait(first, { newCluster: true });
  await bootstrapAccounts(config, first);
  await stopProcess(runningPid(first), 120_000);
  for (const node of others) {
    fs.rmSync(node.dataDir, { recursive: true, force: true });
    fs.rmSync(node.initializedMarker, { force: true });
    fs.cpSync(first.dataDir, node.dataDir, { recursive: true, filter: (source) => !notCopied.test(path.basename(source)) });
    const grastate = path.join(node.dataDir, 'grastate.dat');
    fs.writeFileSync(grastate, markNotSafeToBootstrap(fs.readFileSync(grastate, 'utf8')));
    fs.writeFileSync(node.initializedMarker, new Date().toISOString());
  }
  progress(`Galera cluster initialised from ${first.name}'s data`);
}

/** Starts `node` as a new cluster (a new Primary component of one), from its own data. */
export async function startAsNewCluster(node: GaleraNode, startPosition?: string): Promise<void> {
  const grastate = path.join(node.dataDir, 'grastate.dat');
  if (fs.existsSync(grastate)) fs.writeFileSync(grastate, markSafeToBootstrap(fs.readFileSync(grastate, 'utf8')));
  await startAndWait(node, { newCluster: true, ...(startPosition ? { startPosition } : {}) });
}

/** The stopped nodes with data, ranked: which one to start the cluster from, and why. */
export function chooseStoppedNodeToBootstrap(nodes: GaleraNode[]): { node: GaleraNode; reason: string; startPosition?: string } {
  const candidates = nodes.filter(hasData).map((node) => ({ node, progress: nodeProgressOf(node) }));
  const choice = chooseMostAdvancedNode(candidates.map((candidate) => candidate.progress));
  const chosen = candidates.find((candidate) => candidate.progress === choice.node)!;
  return { node: chosen.node, reason: choice.reason, ...(chosen.progress.startPosition ? { startPosition: chosen.progress.startPosition } : {}) };
}

/**
 * Brings every node up (idempotent) and waits until all are synced in one Primary component.
 * Refuses when nodes run but none is in a Primary component: that is quorum loss, a decision for
 * `npm run db:bootstrap`, not something to paper over.
 */
export async function startGaleraCluster(config: StackConfig, progress: Progress = () => {}): Promise<void> {
  const nodes = galeraNodes(config);
  const stopped = nodes.filter((node) => runningPid(node) === null);
  if (stopped.length === 0) {
    for (const node of nodes) await waitForSynced(node, runningPid(node)!, joinTimeoutMs);
    await bootstrapAccounts(config, nodes[0]!);
    progress(`Galera nodes :${config.DB_GALERA_PORTS.join(', :')} already running`);
    return;
  }
  ensureGaleraInstalled();
  for (const node of stopped) {
    if (await portAnswers(node.sqlPort)) throw new Error(`port ${node.sqlPort} (${node.name}) is taken by another process; set DB_GALERA_PORTS to free ports`);
  }
  writeDefaultsFiles(nodes);
  const started = Date.now();
  if (stopped.length === nodes.length) {
    if (!nodes.some(hasData)) await initializeCluster(config, nodes, progress);
    const choice = chooseStoppedNodeToBootstrap(nodes);
    progress(`Galera ${choice.node.name} :${choice.node.sqlPort} starts the cluster: ${choice.reason}`);
    await startAsNewCluster(choice.node, choice.startPosition);
  } else {
    await requirePrimaryComponent(nodes);
  }
  // One joiner at a time: a donor serves one state transfer at a time anyway, and two views
  // changing at once on a busy machine have split the cluster.
  for (const node of nodes.filter((other) => runningPid(other) === null)) await startAndWait(node, joinOptions(node));
  await bootstrapAccounts(config, nodes[0]!);
  progress(`Galera nodes :${config.DB_GALERA_PORTS.join(', :')} synced, cluster of ${nodes.length} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function requirePrimaryComponent(nodes: GaleraNode[]): Promise<void> {
  const statuses = await Promise.all(nodes.filter((node) => runningPid(node) !== null).map(readNodeStatus));
  if (!statuses.some((status) => status?.clusterStatus === 'Primary')) {
    throw new Error('the Galera nodes that run have no Primary component (quorum lost); choose the most advanced node and bootstrap it with: npm run db:bootstrap');
  }
}

export interface RestartReport {
  outcome: 'already running' | 'restarted';
  seconds: number;
  /** What the node's log says it received: an incremental (IST) or a full (SST) state transfer, or none. */
  stateTransfer: StateTransfer;
}

function stateTransferSince(node: GaleraNode, offset: number): StateTransfer {
  return stateTransferIn(fs.readFileSync(node.logFile, 'utf8').slice(offset));
}

/**
 * Restarts one node that is not running so it rejoins the cluster (by IST when its data is intact),
 * and waits until it is synced. The other nodes must hold a Primary component to rejoin.
 */
export async function restartGaleraNode(config: StackConfig, index: number): Promise<RestartReport> {
  const nodes = galeraNodes(config);
  const node = galeraNode(config, index);
  const started = Date.now();
  if (runningPid(node) !== null) return { outcome: 'already running', seconds: 0, stateTransfer: 'none' };
  ensureGaleraInstalled();
  writeDefaultsFiles(nodes);
  await requirePrimaryComponent(nodes.filter((other) => other !== node));
  const logOffset = fs.existsSync(node.logFile) ? fs.statSync(node.logFile).size : 0;
  await startAndWait(node, joinOptions(node));
  return { outcome: 'restarted', seconds: (Date.now() - started) / 1000, stateTransfer: stateTransferSince(node, logOffset) };
}

/** Clean shutdown in reverse order: the last node to leave (node 1) is the one safe to bootstrap from. */
export async function stopGaleraCluster(config: StackConfig): Promise<void> {
  for (const node of galeraNodes(config).reverse()) await stopProcess(runningPid(node), 120_000);
}

export interface GaleraNodeReport {
  name: string;
  host: string;
  port: number;
  answering: boolean;
  wsrep: GaleraNodeState | null;
}

export async function readGaleraCluster(config: StackConfig): Promise<GaleraNodeReport[]> {
  return Promise.all(
    galeraNodes(config).map(async (node) => {
      const [answering, wsrep] = await Promise.all([portAnswers(node.sqlPort), readNodeStatus(node)]);
      return { name: node.name, host: '127.0.0.1', port: node.sqlPort, answering, wsrep };
    }),
  );
}

export function clusterIsHealthy(nodes: readonly GaleraNodeReport[]): boolean {
  return nodes.every((node) => node.answering && node.wsrep !== null && isServingNode(node.wsrep) && node.wsrep.clusterSize === nodes.length);
}
