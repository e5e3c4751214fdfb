/**
 * The binlog reach read from the stack's real Galera nodes and statistics replica, judged against
 * real positions: the replica's own (covered by every node), and one older than a node's oldest
 * binlog file, as a node's log looks after it joined with a copy of another node's data.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStackSettings } from '../testing/local-stack.ts';
import { binlogCoversPosition } from './binlog-coverage.ts';
import { runSqlOnConnection } from './database.ts';
import { formatGtid, readBinlogReach, readReplicaGtidPosition, type BinlogReach, type Gtid } from './mariadb-dialect.ts';

const settings = localStackSettings();

function connectAsAdmin(port: number): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: settings.DB_ADMIN_USER, password: settings.DB_ADMIN_PASSWORD, connectTimeout: 5000 });
}

describe('binlog reach on the local Galera cluster', () => {
  const connections: mysql.Connection[] = [];
  let reaches: BinlogReach[];
  let replicaPosition: Gtid[];

  beforeAll(async () => {
    for (const port of [...settings.DB_GALERA_PORTS, settings.DB_STATISTICS_PORT]) connections.push(await connectAsAdmin(port));
    reaches = await Promise.all(connections.slice(0, -1).map((connection) => readBinlogReach(runSqlOnConnection(connection, 10_000))));
    replicaPosition = await readReplicaGtidPosition(runSqlOnConnection(connections.at(-1)!, 10_000));
  });

  afterAll(async () => {
    await Promise.all(connections.map((connection) => connection.end()));
  });

  it('reads each node’s oldest file, its Gtid_list, its first GTIDs and the binlog state', () => {
    for (const reach of reaches) {
      expect(reach.oldestFile).toMatch(/^[\w.-]+\.\d{6}$/);
      expect(reach.binlogState.length).toBeGreaterThan(0);
      // Every domain the oldest file starts with is one the node has written.
      for (const first of reach.firstGtidsInOldestFile) expect(reach.binlogState.map((gtid) => gtid.domainId)).toContain(first.domainId);
    }
    expect(replicaPosition.length).toBeGreaterThan(0);
  });

  it('finds the statistics replica’s position covered by every synced node', () => {
    for (const reach of reaches) expect(binlogCoversPosition(replicaPosition, reach), reach.oldestFile).toEqual({ covered: true });
  });

  it('refuses a position from before a node’s oldest binlog file', () => {
    const startsLate = reaches.find((reach) => reach.oldestFileGtidList.some((gtid) => gtid.sequence > 1));
    // A node that joined with a copy of another's data starts its log after the copied transactions.
    expect(startsLate, reaches.map((reach) => `${reach.oldestFile} [${reach.oldestFileGtidList.map(formatGtid).join(',')}]`).join('; ')).toBeDefined();
    const listed = startsLate!.oldestFileGtidList.find((gtid) => gtid.sequence > 1)!;
    const older = [{ ...listed, sequence: listed.sequence - 1 }];
    expect(binlogCoversPosition(older, startsLate!)).toMatchObject({ covered: false, reason: expect.stringContaining(`starts after ${formatGtid(listed)}`) });
  });
});
