/**
 * The Galera bench's own stack: the same servers `npm run stack:up` starts (a single primary with its
 * replica, the 3-node Galera cluster with its statistics replica, Redis, S3), in a folder of its own
 * and on every port moved by BENCH_NAMES.galera.portOffset, so killing a node never touches the
 * shared stack. The folder is kept between runs (the datasets take minutes to seed); the servers are
 * stopped at the end of every run, failed or not.
 */
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { loadStackConfig, type StackConfig } from '../tools/stack/config.ts';
import { stackDown, stackUp } from '../tools/stack/stack.ts';
import { isolatedStartEnv } from '../tools/supervisor/npm-start-harness.ts';
import { recreateAndSeed, seededRequestCount, type GatewayDataset } from './gateway-data.ts';
import { BENCH_NAMES } from './isolation.ts';

export function galeraBenchStackEnv(): Record<string, string> {
  return isolatedStartEnv(path.join(os.tmpdir(), BENCH_NAMES.galera.stackDir), BENCH_NAMES.galera.portOffset);
}

/** Starts the bench's stack, runs `use` on it, and stops every server it started, whatever happens. */
export async function withGaleraBenchStack<T>(use: (stack: StackConfig) => Promise<T>): Promise<T> {
  const stack = loadStackConfig(galeraBenchStackEnv());
  const started = Date.now();
  try {
    await stackUp(stack, (line) => console.error(`galera bench stack: ${line}`));
    console.error(`galera bench stack: up in ${((Date.now() - started) / 1000).toFixed(1)} s (${stack.stateDir})`);
    return await use(stack);
  } finally {
    await stackDown(stack);
    console.error(`galera bench stack: stopped; ${((Date.now() - started) / 1000).toFixed(0)} s from start to stop`);
  }
}

/** An admin connection to one server of the bench's stack, by port. */
export function adminConnection(stack: StackConfig, port: number, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port, user: stack.DB_ADMIN_USER, password: stack.DB_ADMIN_PASSWORD, connectTimeout: 5000, ...(database ? { database } : {}) });
}

/**
 * Creates and seeds `dataset.database` on the server at `port` (the primary, or a Galera node: the
 * cluster replicates the DDL and the rows) unless it already holds at least the seeded requests (the
 * bench's creates add more). Returns whether it seeded.
 */
export async function seedDatasetOn(stack: StackConfig, port: number, dataset: GatewayDataset): Promise<{ seeded: boolean }> {
  const admin = await adminConnection(stack, port);
  try {
    const requests = await seededRequestCount(admin, dataset.database);
    if (requests !== null && requests >= dataset.requests) return { seeded: false };
    await recreateAndSeed(stack, admin, port, dataset);
    return { seeded: true };
  } finally {
    await admin.end();
  }
}
