/**
 * The pure part of running the local Galera cluster: where each node listens and keeps its files,
 * its option file, what its grastate.dat and a `--wsrep-recover` run say, and which node is the
 * most advanced when the cluster has to be bootstrapped again.
 */
import path from 'node:path';

export const galeraProviderLibrary = '/usr/lib/galera/libgalera_smm.so';
/** One server_id and GTID domain for the whole cluster, so every node writes the same GTIDs. */
export const galeraServerId = 10;
export const galeraGtidDomainId = 10;

export interface GaleraNode {
  /** 1-based, in the order of DB_GALERA_PORTS. */
  index: number;
  name: string;
  sqlPort: number;
  /** Where the other nodes reach this node's group communication: 127.0.0.1 on this port. */
  groupPort: number;
  /**
   * The address the node's group communication listens on: 127.0.0.1 unless a relay (a test's TCP
   * proxy) sits on 127.0.0.1:groupPort in front of it. Its outgoing group connections leave from
   * this address too, so a relay can tell which node a connection comes from.
   */
  groupListenHost: string;
  istPort: number;
  sstPort: number;
  home: string;
  dataDir: string;
  defaultsFile: string;
  socket: string;
  pidFile: string;
  logFile: string;
  recoveryLogFile: string;
  initializedMarker: string;
}

export interface GaleraLayout {
  sqlPorts: readonly number[];
  groupBasePort: number;
  stateDir: string;
  /** Where a node's socket goes (the stack shortens paths too long for a Unix socket). */
  socketPath: (home: string, name: string) => string;
  /** Node i's group listen address (1-based) when relays stand in front of the nodes; 127.0.0.1 otherwise. */
  groupListenHost?: (index: number) => string;
}

const loopback = '127.0.0.1';

export function galeraNodeLayout(layout: GaleraLayout): GaleraNode[] {
  return layout.sqlPorts.map((sqlPort, position) => {
    const index = position + 1;
    const name = `galera-${index}`;
    const home = path.join(layout.stateDir, name);
    const groupPort = layout.groupBasePort + position;
    return {
      index,
      name,
      sqlPort,
      groupPort,
      groupListenHost: layout.groupListenHost?.(index) ?? loopback,
      istPort: groupPort + 100,
      sstPort: groupPort + 200,
      home,
      dataDir: path.join(home, 'data'),
      defaultsFile: path.join(home, 'my.cnf'),
      socket: layout.socketPath(home, name),
      pidFile: path.join(home, 'mariadbd.pid'),
      logFile: path.join(home, 'mariadbd.log'),
      recoveryLogFile: path.join(home, 'wsrep-recover.log'),
      initializedMarker: path.join(home, 'initialized'),
    };
  });
}

/**
 * The node's option file. mariabackup SST reads its options from the file the server was started
 * with, so the node starts with `--defaults-file` (never the machine's /etc/mysql) instead of
 * `--no-defaults` and command-line options.
 */
export function galeraDefaultsFile(node: GaleraNode, cluster: readonly GaleraNode[]): string {
  // Behind a relay, the node's own address in the list would lead back to itself through the relay.
  const peers = cluster.filter((member) => member !== node || node.groupListenHost === loopback);
  const providerOptions = [
    // A peer learns the host it connected to and the port this node announces: the relay's, when
    // the node listens on another host behind a relay on the same port.
    `gmcast.listen_addr=tcp://${node.groupListenHost}:${node.groupPort}`,
    `ist.recv_addr=127.0.0.1:${node.istPort}`,
    // A node that stops answering (kill -9) holds every write in the cluster until it is suspected;
    // the 5 s / 15 s defaults stalled writes ~6 s here, 2 s / 4 s about 3.4 s.
    'evs.suspect_timeout=PT2S',
    'evs.inactive_timeout=PT4S',
    // Galera requires keepalives more often than a third of the suspect timeout.
    'evs.keepalive_period=PT0.5S',
    // Left at its default, the install timer follows the shorter inactive timeout down to 2 s: a
    // node joining on a busy machine then split the cluster and left the donor stuck desynced.
    'evs.install_timeout=PT4S',
    // Left at the system default, reading the gcomm thread's scheduling priority failed here
    // (ESRCH) and the node aborted at start; an explicit normal priority avoids that read.
    'gcomm.thread_prio=other:0',
  ].join(';');
  const lines = [
    '[mysqld]',
    // First: it names the logs of the options below unless they name them themselves.
    `log-basename=${node.name}`,
    'user=root',
    `datadir=${node.dataDir}`,
    `port=${node.sqlPort}`,
    'bind-address=127.0.0.1',
    `socket=${node.socket}`,
    `pid-file=${node.pidFile}`,
    `log-error=${node.logFile}`,
    `log-bin=${path.join(node.home, 'binlog', node.name)}`,
    'log-slave-updates=ON',
    // Sort and temporary-table files under the node's own home, as the stack's other servers keep them.
    `tmpdir=${path.join(node.home, 'tmp')}`,
    'binlog-format=ROW',
    `server-id=${galeraServerId}`,
    // Writes that do not go through the cluster (none are expected) keep a domain of their own.
    `gtid-domain-id=${galeraGtidDomainId + node.index}`,
    'skip-name-resolve',
    'character-set-server=utf8mb4',
    'collation-server=utf8mb4_unicode_ci',
    'default-time-zone=+00:00',
    'max-connections=500',
    // Seven servers share a small machine in the local stack.
    'innodb-buffer-pool-size=128M',
    'innodb-autoinc-lock-mode=2',
    // A development stack: an OS crash may lose the last second of commits; the cluster holds the rest.
    'innodb-flush-log-at-trx-commit=2',
    'sync-binlog=0',
    // The replication heartbeat is an event: it runs on the node that created or last enabled it (the
    // statistics replica's source) and is held SLAVESIDE_DISABLED on the others.
    'event-scheduler=ON',
    'wsrep-on=ON',
    `wsrep-provider=${galeraProviderLibrary}`,
    'wsrep-cluster-name=chucar-local',
    `wsrep-cluster-address=gcomm://${peers.map((member) => `${loopback}:${member.groupPort}`).join(',')}`,
    `wsrep-node-name=${node.name}`,
    'wsrep-node-address=127.0.0.1',
    `wsrep-provider-options="${providerOptions}"`,
    'wsrep-gtid-mode=ON',
    `wsrep-gtid-domain-id=${galeraGtidDomainId}`,
    // rsync SST fails when the server runs as root; mariabackup connects as root over the socket.
    'wsrep-sst-method=mariabackup',
    'wsrep-sst-auth=root:',
    `wsrep-sst-receive-address=127.0.0.1:${node.sstPort}`,
    '',
    '[sst]',
    // Otherwise the SST scripts keep their logs in /tmp/sst_log_archive, shared by every node.
    `sst-log-archive-dir=${path.join(node.home, 'sst-logs')}`,
    '',
  ];
  return lines.join('\n');
}

export interface StartOptions {
  newCluster?: boolean;
  /** The position `--wsrep-recover` found, so the node asks for IST instead of a full SST. */
  startPosition?: string;
}

export function galeraServerArguments(node: GaleraNode, options: StartOptions = {}): string[] {
  // --defaults-file must come first.
  const args = [`--defaults-file=${node.defaultsFile}`];
  if (options.newCluster) args.push('--wsrep-new-cluster');
  if (options.startPosition) args.push(`--wsrep_start_position=${options.startPosition}`);
  return args;
}

export function galeraRecoveryArguments(node: GaleraNode): string[] {
  return [`--defaults-file=${node.defaultsFile}`, '--wsrep-recover', `--log-error=${node.recoveryLogFile}`];
}

export interface GaleraSavedState {
  uuid: string;
  /** -1 when the node did not shut down cleanly: the position must be recovered from InnoDB. */
  seqno: number;
  safeToBootstrap: boolean;
}

/** Reads grastate.dat; null when the text is not one. */
export function parseGrastate(text: string): GaleraSavedState | null {
  const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)\\s*$`, 'm').exec(text)?.[1];
  const uuid = field('uuid');
  const seqno = field('seqno');
  if (uuid === undefined || seqno === undefined || !/^-?\d+$/.test(seqno)) return null;
  return { uuid, seqno: Number(seqno), safeToBootstrap: field('safe_to_bootstrap') === '1' };
}

/** grastate.dat with safe_to_bootstrap set: what the node chosen to start a new cluster needs. */
export function markSafeToBootstrap(text: string): string {
  return /^safe_to_bootstrap:/m.test(text) ? text.replace(/^safe_to_bootstrap:.*$/m, 'safe_to_bootstrap: 1') : `${text.replace(/\n?$/, '\n')}safe_to_bootstrap: 1\n`;
}

/** grastate.dat for a copy of another node's data: only one node may start a cluster by itself. */
export function markNotSafeToBootstrap(text: string): string {
  return text.replace(/^safe_to_bootstrap:.*$/m, 'safe_to_bootstrap: 0');
}

export interface RecoveredPosition {
  /** As the server printed it (uuid:seqno, possibly with a GTID after a comma): what --wsrep_start_position takes. */
  position: string;
  uuid: string;
  seqno: number;
}

/** The last "WSREP: Recovered position: uuid:seqno" line a `mariadbd --wsrep-recover` run logged. */
export function parseRecoveredPosition(log: string): RecoveredPosition | null {
  const matches = [...log.matchAll(/WSREP: Recovered position:\s*(([0-9a-f-]{36}):(-?\d+)(,\S+)?)\s*$/gim)];
  const last = matches.at(-1);
  if (!last) return null;
  return { position: last[1]!, uuid: last[2]!, seqno: Number(last[3]) };
}

export type StateTransfer = 'IST' | 'SST' | 'none';

/** What a joining node's log (from its start on) says it received. */
export function stateTransferIn(log: string): StateTransfer {
  // mariabackup's script runs for an IST too ("SST received" follows both), and a full SST ends
  // with a short IST of what was committed meanwhile: the script's own words tell them apart.
  if (/Proceeding with SST|mariabackup SST completed on joiner/.test(log)) return 'SST';
  if (/Running IST|mariabackup IST completed|IST received/.test(log)) return 'IST';
  return 'none';
}

export interface NodeProgress {
  name: string;
  running: boolean;
  /** How far the node got; null or -1 when nothing says. */
  seqno: number | null;
  /** Where `seqno` came from, for the explanation. */
  seqnoSource: 'wsrep_last_committed' | 'grastate.dat' | 'recovered';
  safeToBootstrap: boolean;
}

export interface BootstrapChoice {
  node: NodeProgress;
  reason: string;
}

function describe(node: NodeProgress): string {
  return `${node.name} ${node.running ? 'running' : 'stopped'}, ${node.seqnoSource} ${node.seqno ?? 'unknown'}`;
}

/**
 * The node to bootstrap a new Primary component from: the one that committed the most write-sets,
 * so nothing another node committed is lost. With every node stopped, the one that left the
 * cluster last and cleanly (safe_to_bootstrap) is that node by definition. Among equals a running
 * node wins (pc.bootstrap needs no restart), then the first in order.
 */
export function chooseMostAdvancedNode(nodes: readonly NodeProgress[]): BootstrapChoice {
  const known = nodes.filter((node) => node.seqno !== null && node.seqno >= 0);
  if (nodes.every((node) => !node.running)) {
    const safe = nodes.filter((node) => node.safeToBootstrap);
    if (safe.length === 1) {
      return { node: safe[0]!, reason: `it left the cluster last and cleanly (safe_to_bootstrap: 1 in grastate.dat); all nodes stopped: ${nodes.map(describe).join('; ')}` };
    }
  }
  if (known.length === 0) throw new Error(`cannot tell which node is most advanced: no node knows its position (${nodes.map(describe).join('; ')})`);
  const ranked = [...known].sort((a, b) => b.seqno! - a.seqno! || Number(b.running) - Number(a.running) || Number(b.safeToBootstrap) - Number(a.safeToBootstrap));
  const chosen = ranked[0]!;
  const others = nodes.filter((node) => node !== chosen);
  const tied = others.filter((node) => node.seqno === chosen.seqno);
  const tieBreak = tied.length === 0 ? '' : `, tied with ${tied.map((node) => node.name).join(' and ')}; ${chosen.running ? 'running, so no restart is needed' : 'first in order'}`;
  return { node: chosen, reason: `highest seqno ${chosen.seqno} (${chosen.seqnoSource})${tieBreak}; others: ${others.map(describe).join('; ') || 'none'}` };
}
