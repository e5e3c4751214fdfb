import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Row, RunSql } from '@chucar/platform';
import { judgeLag } from './freshness.ts';
import { QuerySlots } from './query-slots.ts';
import { ReportRefusal } from './refusal.ts';
import { ReplicaGuard, replicaOnlyViolation } from './replica-guard.ts';

/** A server as the checks see it (unit tests only: the real servers are in the integration tests). */
function server(state: { readOnly: number; slavePos: string; running: string; grants: string[] }): RunSql {
  return async (sql: string): Promise<Row[]> => {
    if (sql.startsWith('SELECT @@read_only')) return [{ readOnly: state.readOnly, slavePos: state.slavePos }];
    if (sql.startsWith('SHOW GLOBAL STATUS')) return [{ Variable_name: 'Slave_running', Value: state.running }, { Variable_name: 'Slaves_running', Value: state.running === 'ON' ? '1' : '0' }, { Variable_name: 'Slave_heartbeat_period', Value: state.slavePos ? '1.000' : '0.000' }];
    if (sql === 'SHOW GRANTS') return state.grants.map((grant) => ({ 'Grants for r@%': grant }));
    throw new Error(`unexpected ${sql}`);
  };
}
const selectOnly = ['GRANT USAGE ON *.* TO `r`@`%`', 'GRANT SELECT ON `chucar%`.* TO `r`@`%`'];

describe('the replica-only checks', () => {
  it('passes a read-only replica with running replication and a SELECT-only account', async () => {
    expect(await replicaOnlyViolation(server({ readOnly: 1, slavePos: '0-1-10', running: 'ON', grants: selectOnly }))).toBeNull();
  });

  it('names what is wrong, one reason', async () => {
    expect(await replicaOnlyViolation(server({ readOnly: 0, slavePos: '', running: 'OFF', grants: selectOnly }))).toMatch(/writable/);
    expect(await replicaOnlyViolation(server({ readOnly: 1, slavePos: '', running: 'OFF', grants: selectOnly }))).toMatch(/not configured/);
    expect(await replicaOnlyViolation(server({ readOnly: 1, slavePos: '0-1-10', running: 'OFF', grants: selectOnly }))).toMatch(/configured but not running/);
    expect(await replicaOnlyViolation(server({ readOnly: 1, slavePos: '0-1-10', running: 'ON', grants: [...selectOnly, 'GRANT INSERT ON `chucar`.* TO `r`@`%`'] }))).toMatch(/write privileges \(INSERT\)/);
  });

  it('refuses, unless the break-glass setting turns the refusal into a loud warning', async () => {
    const primary = server({ readOnly: 0, slavePos: '', running: 'OFF', grants: selectOnly });
    await expect(new ReplicaGuard(primary, { allowNonReplica: false, log: pino({ level: 'silent' }) }).check()).rejects.toMatchObject({ code: 'not_a_replica' });
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const warnings = await new ReplicaGuard(primary, { allowNonReplica: true, log }).check();
    expect(warnings).toEqual([expect.stringMatching(/^BREAK GLASS: .*writable/)]);
    // Once at construction, once per run, at error level.
    expect(lines.map((line) => JSON.parse(line) as { level: number; msg: string })).toEqual([
      expect.objectContaining({ level: 50, msg: expect.stringMatching(/^BREAK GLASS/) }),
      expect.objectContaining({ level: 50, msg: expect.stringMatching(/^BREAK GLASS/), violation: expect.stringMatching(/writable/) }),
    ]);
  });
});

describe('freshness limits', () => {
  const freshness = { dataAsOf: new Date('2026-11-26T00:00:00Z'), replicaLagSeconds: 45 };
  it('warns above the configured lag and refuses above --max-lag', () => {
    expect(judgeLag(freshness, { warnLagS: 60 })).toEqual([]);
    expect(judgeLag(freshness, { warnLagS: 30 })).toEqual([expect.stringMatching(/lags 45 s/)]);
    expect(judgeLag(freshness, { warnLagS: 60, maxLagS: 45 })).toEqual([]);
    expect(() => judgeLag(freshness, { warnLagS: 60, maxLagS: 44 })).toThrow(ReportRefusal);
    expect(() => judgeLag(freshness, { warnLagS: 60, maxLagS: 44 })).toThrow(/lags 45 s .* more than the 44 s allowed/);
  });
});

describe('query slots', () => {
  it('runs at most N at once, hands a slot to the next waiter, refuses after the wait', async () => {
    const slots = new QuerySlots(1, 50);
    const release = await slots.acquire();
    const next = slots.acquire();
    expect(slots.waiting).toBe(1);
    release();
    release(); // twice is harmless
    const releaseNext = await next;
    expect(slots.running).toBe(1);
    await expect(slots.acquire()).rejects.toMatchObject({ code: 'reports_busy' });
    releaseNext();
    expect(slots.running).toBe(0);
  });
});
