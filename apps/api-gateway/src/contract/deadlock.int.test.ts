/**
 * A real InnoDB deadlock on the primary: the victim's request answers 503 transaction_conflict
 * with Retry-After (nothing was saved, retrying is safe), not a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { connectAs, testDatabaseName } from '@chucar/platform/testing';
import { buildApp, type GatewayApp } from '../app.ts';
import { loadGatewayConfig } from '../config.ts';

describe('deadlock victim', () => {
  let app: GatewayApp;

  beforeAll(async () => {
    const admin = await connectAs('admin', 'primary');
    await admin.query('CREATE TABLE IF NOT EXISTS deadlock_probe (id INT PRIMARY KEY, n INT NOT NULL)');
    await admin.query('INSERT IGNORE INTO deadlock_probe VALUES (1, 0), (2, 0)');
    await admin.end();

    app = await buildApp(loadGatewayConfig({ ...process.env, NODE_ENV: 'test', DB_NAME: testDatabaseName, RATE_LIMIT_MAX: '100000' }), { logger: false });
    // Two transactions lock the two rows in opposite orders; InnoDB kills one of them.
    app.get('/test/deadlock', async () => {
      const db = app.databases.writer.db;
      let bothHoldFirstRow!: () => void;
      const firstRowsLocked = new Promise<void>((resolve) => {
        let locked = 0;
        bothHoldFirstRow = () => {
          locked += 1;
          if (locked === 2) resolve();
        };
      });
      const crossing = (first: number, second: number) =>
        db.transaction().execute(async (trx) => {
          await sql`UPDATE deadlock_probe SET n = n + 1 WHERE id = ${first}`.execute(trx);
          bothHoldFirstRow();
          await firstRowsLocked;
          await sql`UPDATE deadlock_probe SET n = n + 1 WHERE id = ${second}`.execute(trx);
        });
      const outcomes = await Promise.allSettled([crossing(1, 2), crossing(2, 1)]);
      const victim = outcomes.find((outcome) => outcome.status === 'rejected');
      if (victim) throw victim.reason;
      return { deadlock: false };
    });
    await app.ready();
  });
  afterAll(() => app?.close());

  it('answers 503 transaction_conflict with Retry-After 1', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/deadlock' });
    expect(response.statusCode, response.body).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ status: 503, code: 'transaction_conflict' });
  });
});
