/**
 * Replication lag under a burst: 10,000 single-row autocommit inserts on the primary from 8
 * connections; a poller on the replica notes when each row id became visible. Per-row lag is
 * visible-on-replica minus committed-on-primary, both on this process's clock.
 * Baselines from the same run: the burst's own duration, and a loopback SELECT 1 round trip.
 */
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { runSqlOnConnection } from '@chucar/platform';
import { waitForReplicaToReachPrimary } from '@chucar/platform/testing';
import { loadStackConfig } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { percentile, row, type Benchmark } from './harness.ts';
import { BENCH_NAMES } from './isolation.ts';

const rowsToInsert = 10_000;
const writers = 8;
const benchDatabase = BENCH_NAMES.replicationLag.database;

/**
 * Creates `database` if needed and an empty probe table in it, and waits until the replica has
 * both. `admin` and `replica` are admin connections that select no database, so nothing needs to
 * exist beforehand; `replica` is left on `database`.
 */
export async function prepareLagProbe(admin: mysql.Connection, replica: mysql.Connection, database: string): Promise<void> {
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``);
  await admin.query(`DROP TABLE IF EXISTS \`${database}\`.lag_probe`);
  await admin.query(`CREATE TABLE \`${database}\`.lag_probe (id INT PRIMARY KEY, payload VARCHAR(100) NOT NULL) ENGINE=InnoDB`);
  const { outcome } = await waitForReplicaToReachPrimary(runSqlOnConnection(admin), runSqlOnConnection(replica, 40_000), 30_000);
  if (outcome !== 'reached') throw new Error(`the replica did not create ${database}.lag_probe within 30 s`);
  await replica.query(`USE \`${database}\``);
}

export const benchmark: Benchmark = {
  name: 'replication-lag',
  description: `${rowsToInsert} single-row inserts on the primary; time until the replica has them all`,
  async run() {
    const config = loadStackConfig();
    await stackUp(config);
    const connect = (port: number, database?: string) =>
      mysql.createConnection({ host: '127.0.0.1', port, user: config.DB_ADMIN_USER, password: config.DB_ADMIN_PASSWORD, connectTimeout: 5000, ...(database ? { database } : {}) });

    const admin = await connect(config.DB_PRIMARY_PORT);
    const replica = await connect(config.DB_REPLICA_PORT);
    await prepareLagProbe(admin, replica, benchDatabase);

    // Baseline: one loopback round trip to the replica.
    const roundTrips: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      await replica.query('SELECT 1');
      roundTrips.push(performance.now() - start);
    }
    roundTrips.sort((a, b) => a - b);

    const committedAt = new Float64Array(rowsToInsert + 1);
    const visibleAt = new Float64Array(rowsToInsert + 1);
    let writing = true;
    // Rows commit out of id order across writers, so the poller re-reads everything above the
    // highest id below which all rows have been seen.
    let contiguous = 0;
    const poller = (async () => {
      while (writing || contiguous < rowsToInsert) {
        const [ids] = (await replica.query('SELECT id FROM lag_probe WHERE id > ?', [contiguous])) as unknown as [{ id: number }[]];
        const now = performance.now();
        for (const { id } of ids) if (visibleAt[id] === 0) visibleAt[id] = now;
        while (contiguous < rowsToInsert && visibleAt[contiguous + 1] !== 0) contiguous++;
      }
    })();

    const connections = await Promise.all(Array.from({ length: writers }, () => connect(config.DB_PRIMARY_PORT, benchDatabase)));
    const burstStart = performance.now();
    let nextId = 1;
    await Promise.all(
      connections.map(async (connection) => {
        for (let id = nextId++; id <= rowsToInsert; id = nextId++) {
          await connection.query('INSERT INTO lag_probe (id, payload) VALUES (?, ?)', [id, `row ${id}`]);
          committedAt[id] = performance.now();
        }
      }),
    );
    const burstEnd = performance.now();
    writing = false;
    await poller;
    const caughtUp = Math.max(...visibleAt.subarray(1));

    const lags = Array.from({ length: rowsToInsert }, (_, index) => Math.max(0, visibleAt[index + 1]! - committedAt[index + 1]!)).sort((a, b) => a - b);
    await Promise.all([admin, replica, ...connections].map((connection) => connection.end()));

    const burstMs = burstEnd - burstStart;
    const rtt = percentile(roundTrips, 50);
    return [
      row('replication: primary burst (10k inserts, 8 writers)', burstMs, 'ms', null, `${Math.round(rowsToInsert / (burstMs / 1000))} inserts/s`),
      row('replication: replica has all rows', caughtUp - burstStart, 'ms', burstMs, 'baseline: the burst itself'),
      row('replication: per-row lag p50', percentile(lags, 50), 'ms', rtt, 'baseline: SELECT 1 round trip p50'),
      row('replication: per-row lag p99', percentile(lags, 99), 'ms', rtt, 'baseline: SELECT 1 round trip p50'),
    ];
  },
};
