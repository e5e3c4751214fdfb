import { describe, expect, it } from 'vitest';
import { normalizeEmail } from '@chucar/domain';
import { DEMO_LOGINS, generateAccounts } from './generate-accounts.ts';
import { FIXED_NOW } from './test-fixtures.ts';

const input = { seed: 3, customers: 2_000, dealers: 400, nowMs: FIXED_NOW.getTime(), firstId: 101, passwordHash: 'scrypt$hash' };

describe('generateAccounts', () => {
  const seeded = generateAccounts(input);
  const byEmail = new Map(seeded.accounts.map((account) => [account.email, account]));

  it('is deterministic and numbers accounts from the first free id', () => {
    expect(generateAccounts(input)).toEqual(seeded);
    expect(seeded.accounts.map((account) => account.id)).toEqual(seeded.accounts.map((_, index) => 101 + index));
    expect(seeded.accounts).toHaveLength(1 + 3 + 400 + 2_000);
  });

  it('has the documented demo logins, active, with the right roles', () => {
    expect(byEmail.get(DEMO_LOGINS.customer)).toMatchObject({ role: 'customer', status: 'active' });
    expect(byEmail.get(DEMO_LOGINS.dealer)).toMatchObject({ role: 'dealer', status: 'active' });
    expect(byEmail.get(DEMO_LOGINS.analyst)).toMatchObject({ role: 'analyst', status: 'active' });
    expect(byEmail.get(DEMO_LOGINS.admin)).toMatchObject({ role: 'admin', status: 'active' });
    const demoDealer = seeded.dealers.find((dealer) => dealer.id === byEmail.get(DEMO_LOGINS.dealer)?.id);
    expect(demoDealer?.regions).toEqual(['seoul', 'gyeonggi']);
  });

  it('uses normalized, unique e-mails and one shared password hash', () => {
    for (const account of seeded.accounts) {
      expect(account.email).toBe(normalizeEmail(account.email));
      expect(account.email).toMatch(/^[^\s@]+@demo\.chucar\.kr$/);
      expect(account.password_hash).toBe('scrypt$hash');
    }
    expect(byEmail.size).toBe(seeded.accounts.length);
  });

  it('gives dealers 1-3 regions, mostly around Seoul and Busan, and a plausible review state', () => {
    const statuses = { active: 0, pending_review: 0, suspended: 0 };
    const regionCounts = new Map<string, number>();
    for (const dealer of seeded.dealers) {
      statuses[dealer.status] += 1;
      expect(dealer.regions.length).toBeGreaterThanOrEqual(1);
      expect(dealer.regions.length).toBeLessThanOrEqual(3);
      expect(new Set(dealer.regions).size).toBe(dealer.regions.length);
      for (const region of dealer.regions) regionCounts.set(region, (regionCounts.get(region) ?? 0) + 1);
      const profile = seeded.dealerProfiles.find((row) => row.account_id === dealer.id);
      if (dealer.status === 'pending_review') expect(profile).toMatchObject({ reviewed_by: null, reviewed_at: null });
      else expect(profile?.reviewed_by).toBe(seeded.adminId);
      expect(dealer.activeSinceMs === null).toBe(dealer.status !== 'active');
    }
    expect(statuses.active / seeded.dealers.length).toBeGreaterThan(0.8);
    expect(statuses.pending_review).toBeGreaterThan(0);
    expect(statuses.suspended).toBeGreaterThan(0);
    const share = (region: string) => (regionCounts.get(region) ?? 0) / seeded.dealers.length;
    expect(share('seoul')).toBeGreaterThan(share('daegu'));
    expect(share('gyeonggi')).toBeGreaterThan(share('gwangju'));
    expect(share('busan')).toBeGreaterThan(share('jeju'));
    // Every region has at least one active dealer.
    for (const region of regionCounts.keys()) expect(regionCounts.get(region)).toBeGreaterThan(0);
    expect(regionCounts.size).toBe(17);
  });

  it('signs customers up in id order, within the last two years', () => {
    const times = [...seeded.customers.createdAtMs];
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(input.nowMs - 730 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(input.nowMs);
  });
});
