/**
 * Every engine-specific statement the platform issues lives here (MariaDB syntax), so a MySQL
 * dialect can be added beside it later: GTID capture and wait, replica status and control,
 * the replication heartbeat. Callers pass any "run this SQL" function, so the same code serves
 * mysql2 connections (the stack tool) and Kysely (the apps).
 */

export type Row = Record<string, unknown>;
export type RunSql = (sql: string, params?: readonly unknown[]) => Promise<Row[]>;

export interface ReplicaStatus {
  configured: boolean;
  /** The port the replica reads its source's binlog from. */
  sourcePort: number | null;
  ioRunning: boolean;
  sqlRunning: boolean;
  secondsBehindPrimary: number | null;
  gtidPosition: string | null;
  lastError: string | null;
}

/** The GTID of the last transaction this connection committed; must run on the writing connection. */
export async function readLastGtid(run: RunSql): Promise<string | null> {
  const [row] = await run('SELECT @@last_gtid AS gtid');
  const gtid = row?.['gtid'];
  return typeof gtid === 'string' && gtid.length > 0 ? gtid : null;
}

/** The set of GTIDs a server has applied (what a read-your-writes token is compared against). */
export async function readAppliedGtids(run: RunSql): Promise<string> {
  const [row] = await run('SELECT @@gtid_current_pos AS pos');
  return String(row?.['pos'] ?? '');
}

export type GtidWaitResult = 'reached' | 'timeout';

/** Blocks on the replica until it has applied `gtid`, for at most `timeoutMs`. */
export async function waitForGtid(run: RunSql, gtid: string, timeoutMs: number): Promise<GtidWaitResult> {
  const [row] = await run('SELECT MASTER_GTID_WAIT(?, ?) AS result', [gtid, timeoutMs / 1000]);
  return Number(row?.['result']) === 0 ? 'reached' : 'timeout';
}

/**
 * Waits until the replica applied everything the primary has committed so far; returns the
 * primary's position and whether the replica reached it within `timeoutMs`.
 */
export async function waitForReplicaToReachPrimary(primary: RunSql, replica: RunSql, timeoutMs: number): Promise<{ position: string; outcome: GtidWaitResult }> {
  const position = await readAppliedGtids(primary);
  if (!position) return { position, outcome: 'reached' };
  return { position, outcome: await waitForGtid(replica, position, timeoutMs) };
}

/** A GTID list as MariaDB prints it: domain-server-sequence, comma separated. */
export function isGtidList(value: string): boolean {
  return /^\d{1,10}-\d{1,10}-\d{1,20}(,\d{1,10}-\d{1,10}-\d{1,20})*$/.test(value);
}

export async function readReplicaStatus(run: RunSql): Promise<ReplicaStatus> {
  const [row] = await run('SHOW SLAVE STATUS');
  if (!row) {
    return { configured: false, sourcePort: null, ioRunning: false, sqlRunning: false, secondsBehindPrimary: null, gtidPosition: null, lastError: null };
  }
  const behind = row['Seconds_Behind_Master'];
  const lastError = [row['Last_IO_Error'], row['Last_SQL_Error']].filter((text) => typeof text === 'string' && text.length > 0);
  return {
    configured: true,
    sourcePort: row['Master_Port'] === undefined || row['Master_Port'] === null ? null : Number(row['Master_Port']),
    ioRunning: row['Slave_IO_Running'] === 'Yes',
    sqlRunning: row['Slave_SQL_Running'] === 'Yes',
    secondsBehindPrimary: behind === null || behind === undefined ? null : Number(behind),
    gtidPosition: typeof row['Gtid_IO_Pos'] === 'string' ? row['Gtid_IO_Pos'] : null,
    lastError: lastError.length > 0 ? lastError.join('; ') : null,
  };
}

export interface ReplicationSource {
  host: string;
  port: number;
  user: string;
  password: string;
}

export async function configureReplication(run: RunSql, source: ReplicationSource): Promise<void> {
  await run(
    'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, ' +
      'MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1, MASTER_HEARTBEAT_PERIOD = 1',
    [source.host, source.port, source.user, source.password],
  );
}

export async function startReplication(run: RunSql): Promise<void> {
  await run('START SLAVE');
}

/** Stops applying events while still receiving them: the replica falls behind, as under load. */
export async function stopReplicaSqlThread(run: RunSql): Promise<void> {
  await run('STOP SLAVE SQL_THREAD');
}

export async function startReplicaSqlThread(run: RunSql): Promise<void> {
  await run('START SLAVE SQL_THREAD');
}

/** Stops the server the connection is on (the account needs the SHUTDOWN privilege). */
export async function shutDownServer(run: RunSql): Promise<void> {
  await run('SHUTDOWN');
}

export const heartbeatTable = 'replication_heartbeat';

export const heartbeatIntervalSeconds = 1;

/**
 * Lag measured from the heartbeat row the primary rewrites every second (an event on the
 * primary, see the heartbeat migration). Unlike Seconds_Behind_Master it stays truthful when
 * the replica's IO thread is stuck, since the replica then stops seeing fresh heartbeats.
 * A replica in sync sees a beat up to one interval old, so the interval is subtracted:
 * the figure has the heartbeat's one-second resolution and never overstates the lag.
 */
export async function readHeartbeatLagSeconds(run: RunSql): Promise<number | null> {
  const [row] = await run(
    `SELECT TIMESTAMPDIFF(MICROSECOND, beat_at, UTC_TIMESTAMP(6)) / 1000000 AS age FROM ${heartbeatTable} WHERE id = 1`,
  );
  const age = row?.['age'];
  return age === null || age === undefined ? null : Math.max(0, Number(age) - heartbeatIntervalSeconds);
}

/** Statements that create the heartbeat row and the primary-side event that refreshes it. */
export function heartbeatSetupSql(): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${heartbeatTable} (id TINYINT UNSIGNED PRIMARY KEY, beat_at DATETIME(6) NOT NULL) ENGINE=InnoDB`,
    `INSERT IGNORE INTO ${heartbeatTable} (id, beat_at) VALUES (1, UTC_TIMESTAMP(6))`,
    `CREATE EVENT IF NOT EXISTS replication_heartbeat_tick ON SCHEDULE EVERY ${heartbeatIntervalSeconds} SECOND ` +
      `DO UPDATE ${heartbeatTable} SET beat_at = UTC_TIMESTAMP(6) WHERE id = 1`,
  ];
}

/**
 * Makes this server run the heartbeat event of every database that has one. On a Galera cluster the
 * event runs only on the node that created or last enabled it (the others hold it SLAVESIDE_DISABLED),
 * so when the statistics replica moves to another node the heartbeat moves with it: its lag then
 * measures the path the replica is fed by. Returns the databases whose event was enabled.
 */
export async function enableHeartbeatHere(run: RunSql): Promise<string[]> {
  const rows = await run(
    "SELECT EVENT_SCHEMA AS db FROM information_schema.EVENTS WHERE EVENT_NAME = 'replication_heartbeat_tick' AND STATUS <> 'ENABLED'",
  );
  const databases = rows.map((row) => String(row['db']));
  for (const database of databases) await run(`ALTER EVENT \`${database.replace(/`/g, '``')}\`.replication_heartbeat_tick ENABLE`);
  return databases;
}

export function heartbeatTeardownSql(): string[] {
  return ['DROP EVENT IF EXISTS replication_heartbeat_tick', `DROP TABLE IF EXISTS ${heartbeatTable}`];
}


/**
 * What a read-only replica looks like from any account, without SLAVE MONITOR: `read_only`, and
 * the replica threads as the global status reports them (`Slave_running` is ON only while both the
 * IO and the SQL thread run). `gtid_slave_pos` is set once the server has applied replicated events.
 */
export interface ReplicaRole {
  readOnly: boolean;
  replicationConfigured: boolean;
  replicationRunning: boolean;
}

export async function readReplicaRole(run: RunSql): Promise<ReplicaRole> {
  const [variables] = await run('SELECT @@read_only AS readOnly, @@gtid_slave_pos AS slavePos');
  const status = await run("SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_running', 'Slaves_running', 'Slave_heartbeat_period')");
  const value = (name: string) => String(status.find((row) => row['Variable_name'] === name)?.['Value'] ?? '');
  const running = value('Slave_running') === 'ON' || Number(value('Slaves_running')) > 0;
  return {
    readOnly: Number(variables?.['readOnly']) === 1,
    replicationConfigured: running || String(variables?.['slavePos'] ?? '') !== '' || Number(value('Slave_heartbeat_period')) > 0,
    replicationRunning: running,
  };
}

/** The current account's grants, one statement each, as the server prints them. */
export async function readOwnGrants(run: RunSql): Promise<string[]> {
  const rows = await run('SHOW GRANTS');
  return rows.map((row) => String(Object.values(row)[0] ?? ''));
}

/** Privileges that cannot change data or the server; anything else in a grant counts as a write privilege. */
const READ_ONLY_PRIVILEGES = new Set(['SELECT', 'USAGE', 'SHOW VIEW', 'SLAVE MONITOR', 'REPLICA MONITOR', 'REPLICATION CLIENT', 'BINLOG MONITOR', 'PROCESS', 'SHOW DATABASES']);

/**
 * The privileges in `grants` beyond reading (INSERT, ALL PRIVILEGES, SUPER, READ ONLY ADMIN, …),
 * each with the grant it came from. Granted roles and proxy rights cannot be judged from the
 * line alone, so they count as writes too: an account meant to only read needs neither.
 */
export function findWritePrivileges(grants: readonly string[]): string[] {
  const found: string[] = [];
  for (const grant of grants) {
    if (/\bWITH\s+GRANT\s+OPTION\b/i.test(grant)) found.push('GRANT OPTION');
    const privileges = /^GRANT\s+(.+?)\s+ON\s+/i.exec(grant);
    if (!privileges) {
      if (/^GRANT\s/i.test(grant)) found.push(`role or proxy grant: ${grant.replace(/\s+IDENTIFIED\s+BY\s+.*$/i, '')}`);
      continue;
    }
    if (/^PROXY$/i.test(privileges[1]!.trim())) {
      found.push('PROXY');
      continue;
    }
    // Column lists, `UPDATE (a, b)`, hold commas of their own: drop them before splitting.
    for (const privilege of privileges[1]!.replace(/\([^)]*\)/g, '').split(',')) {
      const name = privilege.trim().toUpperCase();
      if (!READ_ONLY_PRIVILEGES.has(name)) found.push(name);
    }
  }
  return found;
}

/** The replicated heartbeat's time and the server's clock, both UTC; their gap is the lag. */
export async function readHeartbeatTimes(run: RunSql): Promise<{ beatAt: Date; serverNow: Date } | null> {
  const [row] = await run(`SELECT beat_at AS beatAt, UTC_TIMESTAMP(6) AS serverNow FROM ${heartbeatTable} WHERE id = 1`);
  if (!row) return null;
  return { beatAt: new Date(row['beatAt'] as Date), serverNow: new Date(row['serverNow'] as Date) };
}

/**
 * Bounds one SELECT on the server (MariaDB: `max_statement_time`, in seconds, for this statement
 * only): a runaway report query is killed by the replica itself, not just abandoned by the client.
 */
export function withStatementTimeLimit(selectSql: string, seconds: number): string {
  if (!/^\s*(select|with)\b/i.test(selectSql)) throw new Error('a statement time limit applies to SELECT statements only');
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`a statement time limit must be a positive number of seconds, not ${seconds}`);
  return `SET STATEMENT max_statement_time=${Number(seconds.toFixed(3))} FOR ${selectSql}`;
}

/** The error a statement killed by its time limit ends with (MariaDB ER_STATEMENT_TIMEOUT). */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { errno?: number } | null)?.errno === 1969;
}

/**
 * Stops the statement a session is running, leaving the session itself (`KILL QUERY`). An account
 * may stop its own sessions' statements without any privilege, so the SELECT-only reporter can.
 */
export function stopStatementSql(threadId: number): string {
  if (!Number.isSafeInteger(threadId) || threadId <= 0) throw new RangeError(`a session id is a positive integer, not ${threadId}`);
  return `KILL QUERY ${threadId}`;
}

/** One MariaDB GTID: domain, the server that wrote it, and its sequence number within the domain. */
export interface Gtid {
  domainId: number;
  serverId: number;
  sequence: number;
}

/**
 * Reads a GTID list as MariaDB prints it (`0-1-42,11-3-7`, or inside brackets in a Gtid_list event's
 * description). Empty text is an empty list; anything else that is not a list is an error.
 */
export function parseGtidList(text: string): Gtid[] {
  const inner = text.trim().replace(/^\[(.*)\]$/s, '$1').trim();
  if (inner === '') return [];
  return inner.split(',').map((item) => {
    const match = /^(\d{1,10})-(\d{1,10})-(\d{1,20})$/.exec(item.trim());
    const sequence = Number(match?.[3]);
    if (!match || !Number.isSafeInteger(sequence)) throw new Error(`not a GTID list: ${JSON.stringify(text)}`);
    return { domainId: Number(match[1]), serverId: Number(match[2]), sequence };
  });
}

export function formatGtid(gtid: Gtid): string {
  return `${gtid.domainId}-${gtid.serverId}-${gtid.sequence}`;
}

export type ReplicaIoState = 'running' | 'connecting' | 'stopped';

/** Where a replica replicates from and how its threads fare (SHOW SLAVE STATUS; null when it has no source configured). */
export interface ReplicaSourceStatus {
  sourceHost: string;
  sourcePort: number;
  ioState: ReplicaIoState;
  sqlRunning: boolean;
  usesGtid: boolean;
  lastIoErrno: number;
  lastIoError: string | null;
  lastSqlErrno: number;
  lastSqlError: string | null;
}

export async function readReplicaSourceStatus(run: RunSql): Promise<ReplicaSourceStatus | null> {
  const [row] = await run('SHOW SLAVE STATUS');
  if (!row || String(row['Master_Host'] ?? '') === '') return null;
  const io = String(row['Slave_IO_Running'] ?? '');
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
  return {
    sourceHost: String(row['Master_Host']),
    sourcePort: Number(row['Master_Port']),
    ioState: io === 'Yes' ? 'running' : io === 'Connecting' ? 'connecting' : 'stopped',
    sqlRunning: row['Slave_SQL_Running'] === 'Yes',
    usesGtid: String(row['Using_Gtid'] ?? 'No') !== 'No',
    lastIoErrno: Number(row['Last_IO_Errno'] ?? 0),
    lastIoError: text(row['Last_IO_Error']),
    lastSqlErrno: Number(row['Last_SQL_Errno'] ?? 0),
    lastSqlError: text(row['Last_SQL_Error']),
  };
}

/** The position a replica resumes from with `MASTER_USE_GTID = slave_pos`: the GTIDs it has applied. */
export async function readReplicaGtidPosition(run: RunSql): Promise<Gtid[]> {
  const [row] = await run('SELECT @@global.gtid_slave_pos AS position');
  return parseGtidList(String(row?.['position'] ?? ''));
}

/**
 * How far back a server's binary log reaches, as a source judges a connecting replica's position
 * by it: the oldest binlog file's Gtid_list event (the last GTID of each domain written before that
 * file), the first GTIDs in that file (`eventsToRead` events are looked at), and the binlog state
 * (the last GTID of each domain and server id in the whole log).
 */
export interface BinlogReach {
  oldestFile: string;
  oldestFileGtidList: Gtid[];
  /** The first GTID of each domain among the events looked at. */
  firstGtidsInOldestFile: Gtid[];
  binlogState: Gtid[];
}

export async function readBinlogReach(run: RunSql, eventsToRead = 200): Promise<BinlogReach> {
  if (!Number.isSafeInteger(eventsToRead) || eventsToRead < 3) throw new RangeError(`read at least 3 binlog events, not ${eventsToRead}`);
  const files = await run('SHOW BINARY LOGS');
  const oldestFile = String(files[0]?.['Log_name'] ?? '');
  // The file name is written into the statement (SHOW BINLOG EVENTS takes no placeholder), so only a plain name passes.
  if (!/^[\w.-]{1,255}$/.test(oldestFile)) throw new Error(`unexpected binlog file name ${JSON.stringify(oldestFile)}`);
  const events = await run(`SHOW BINLOG EVENTS IN '${oldestFile}' LIMIT ${eventsToRead}`);
  const gtidListEvent = events.find((event) => event['Event_type'] === 'Gtid_list');
  if (!gtidListEvent) throw new Error(`${oldestFile} has no Gtid_list event: not a MariaDB binlog with GTIDs`);
  const firstGtids: Gtid[] = [];
  for (const event of events) {
    // "GTID 1-1-7" (DDL) or "BEGIN GTID 1-1-8" (a transaction), perhaps with a commit id after it.
    const written = event['Event_type'] === 'Gtid' ? /\bGTID (\d+-\d+-\d+)\b/.exec(String(event['Info'] ?? '')) : null;
    if (!written) continue;
    const [gtid] = parseGtidList(written[1]!);
    if (!firstGtids.some((seen) => seen.domainId === gtid!.domainId)) firstGtids.push(gtid!);
  }
  const [state] = await run('SELECT @@global.gtid_binlog_state AS state');
  return {
    oldestFile,
    oldestFileGtidList: parseGtidList(String(gtidListEvent['Info'] ?? '')),
    firstGtidsInOldestFile: firstGtids,
    binlogState: parseGtidList(String(state?.['state'] ?? '')),
  };
}

/** Stops both replica threads; the applied position (gtid_slave_pos) is final once it returns. */
export async function stopReplication(run: RunSql): Promise<void> {
  await run('STOP SLAVE');
}
