import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type mysql from 'mysql2/promise';
import { readLastGtid, runSqlOnConnection, waitForGtid } from '@chucar/platform';
import { connectAs } from '../testing/stack-fixture.ts';

describe('primary → replica replication (real servers)', () => {
  let adminPrimary: mysql.Connection;
  let appPrimary: mysql.Connection;
  let appReplica: mysql.Connection;

  beforeAll(async () => {
    adminPrimary = await connectAs('admin', 'primary');
    appPrimary = await connectAs('app', 'primary');
    appReplica = await connectAs('app', 'replica');
    await adminPrimary.query('CREATE TABLE IF NOT EXISTS replication_probe (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64) NOT NULL)');
  });

  afterAll(async () => {
    await Promise.all([adminPrimary, appPrimary, appReplica].map((connection) => connection?.end()));
  });

  it('a row written on the primary appears on the replica once the replica reaches its GTID', async () => {
    const note = `probe-${process.pid}-${Date.now()}`;
    await appPrimary.query('INSERT INTO replication_probe (note) VALUES (?)', [note]);
    const gtid = await readLastGtid(runSqlOnConnection(appPrimary));
    expect(gtid).toMatch(/^\d+-1-\d+$/); // domain-server_id-sequence, written by server 1

    expect(await waitForGtid(runSqlOnConnection(appReplica), gtid!, 10_000)).toBe('reached');
    const [rows] = await appReplica.query('SELECT note FROM replication_probe WHERE note = ?', [note]);
    expect(rows).toEqual([{ note }]);
  });

  it('the replica is read-only for the application account', async () => {
    const [[flag]] = (await appReplica.query('SELECT @@read_only AS readOnly')) as unknown as [[{ readOnly: number }]];
    expect(flag.readOnly).toBe(1);
    await expect(appReplica.query("INSERT INTO replication_probe (note) VALUES ('nope')")).rejects.toMatchObject({ errno: 1290 });
  });

  it('the reporter account can only SELECT, on the replica and even on the primary', async () => {
    const reporterReplica = await connectAs('reporter', 'replica');
    const reporterPrimary = await connectAs('reporter', 'primary');
    try {
      const [rows] = await reporterReplica.query('SELECT COUNT(*) AS n FROM replication_probe');
      expect(rows).toHaveLength(1);
      // 1290: read-only server; 1142: command denied to user. Either way nothing is written.
      await expect(reporterReplica.query("INSERT INTO replication_probe (note) VALUES ('x')")).rejects.toMatchObject({ errno: expect.toBeOneOf([1142, 1290]) });
      await expect(reporterPrimary.query("INSERT INTO replication_probe (note) VALUES ('x')")).rejects.toMatchObject({ errno: 1142 });
      await expect(reporterPrimary.query('CREATE TABLE reporter_was_here (a INT)')).rejects.toMatchObject({ errno: 1142 });
      const [[count]] = (await adminPrimary.query("SELECT COUNT(*) AS n FROM replication_probe WHERE note = 'x'")) as unknown as [[{ n: number }]];
      expect(Number(count.n)).toBe(0);
    } finally {
      await reporterReplica.end();
      await reporterPrimary.end();
    }
  });

  it('the replica replicates with GTID from slave_pos', async () => {
    const adminReplica = await connectAs('admin', 'replica');
    try {
      const [[status]] = (await adminReplica.query('SHOW SLAVE STATUS')) as unknown as [[Record<string, unknown>]];
      expect(status['Using_Gtid']).toBe('Slave_Pos');
      expect(status['Slave_IO_Running']).toBe('Yes');
      expect(status['Slave_SQL_Running']).toBe('Yes');
      const [[ids]] = (await adminReplica.query('SELECT @@server_id AS id')) as unknown as [[{ id: number }]];
      expect(ids.id).toBe(2);
    } finally {
      await adminReplica.end();
    }
  });
});
