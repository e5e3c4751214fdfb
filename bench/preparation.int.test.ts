/**
 * The benchmarks run on a fresh stack, in any order, whether or not the tests ever ran: their
 * preparation creates what it needs in databases that do not exist yet, and the replica wait they
 * share selects no database at all (it once opened the test database, which only the tests create).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type mysql from 'mysql2/promise';
import { connectWithoutDatabase } from '@chucar/platform/testing';
import { prepareGatewayData, type GatewayDataset } from './gateway-data.ts';
import { prepareLagProbe } from './replication-lag.bench.ts';

const suffix = randomUUID().slice(0, 8);
/** Names of this run only: other engineers' runs use their own chucar_test_* databases meanwhile. */
const absentTestDatabase = `chucar_test_absent_${suffix}`;
const gatewayDatabase = `chucar_bench_gateway_${suffix}`;
const lagDatabase = `chucar_bench_lag_${suffix}`;

async function databaseExists(connection: mysql.Connection, database: string): Promise<boolean> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = ?', [database]);
  return Number(rows[0]?.['n']) === 1;
}

async function countRows(connection: mysql.Connection, table: string): Promise<number> {
  const [rows] = await connection.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]?.['n']);
}

describe('benchmark preparation on a stack without the benchmark or test databases', () => {
  let admin: mysql.Connection;
  let replica: mysql.Connection;

  beforeAll(async () => {
    admin = await connectWithoutDatabase('admin', 'primary');
    replica = await connectWithoutDatabase('admin', 'replica');
    for (const database of [absentTestDatabase, gatewayDatabase, lagDatabase]) expect(await databaseExists(admin, database)).toBe(false);
  });

  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  afterAll(async () => {
    for (const database of [gatewayDatabase, lagDatabase]) await admin?.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin?.end();
    await replica?.end();
  });

  it('waits for the replica when the test database does not exist', async () => {
    vi.stubEnv('CHUCAR_TEST_DB', absentTestDatabase);
    vi.resetModules();
    const testing = await import('@chucar/platform/testing');
    expect(testing.testDatabaseName).toBe(absentTestDatabase);

    await expect(testing.waitForReplicaToCatchUp(30_000)).resolves.toBeUndefined();
    expect(await databaseExists(admin, absentTestDatabase)).toBe(false);
  });

  it('seeds the gateway data set into a new database, replicates it, and keeps it on the next run', async () => {
    const dataset: GatewayDataset = { database: gatewayDatabase, requests: 40, customers: 10, dealers: 4, seed: 7 };

    expect(await prepareGatewayData(dataset)).toEqual({ seeded: true });
    expect(await countRows(replica, `\`${gatewayDatabase}\`.quote_requests`)).toBe(40);

    expect(await prepareGatewayData(dataset)).toEqual({ seeded: false });
    expect(await countRows(admin, `\`${gatewayDatabase}\`.quote_requests`)).toBe(40);
  });

  it('creates the replication probe in a new database and waits until the replica has it', async () => {
    await prepareLagProbe(admin, replica, lagDatabase);
    expect(await countRows(replica, 'lag_probe')).toBe(0);
    await admin.query(`INSERT INTO \`${lagDatabase}\`.lag_probe VALUES (1, 'a')`);
    await prepareLagProbe(admin, replica, lagDatabase);
    expect(await countRows(replica, 'lag_probe')).toBe(0);
  });
});
