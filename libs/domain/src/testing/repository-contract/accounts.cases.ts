import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors.ts';
import type { NewAccount } from '../../accounts/accounts.types.ts';
import { testCatalog } from '../catalog-fixture.ts';
import { T0, arrange, firstPage, idsAcrossPages, idsOf, minutesAfterT0 } from './world.ts';
import type { OpenRepositories } from './world.ts';

const ann: NewAccount = { email: 'ann@example.com', passwordHash: 'hash-of-ann', role: 'customer', status: 'active', displayName: 'Ann', createdAt: T0 };

export function accountsCases(open: OpenRepositories): void {
  describe('accounts', () => {
    it('reads an account back by id without its hash, and by email with it; unknown ones are undefined', async () => {
      const repos = await open(testCatalog);
      const id = await repos.accounts.insertAccount(ann);
      const { passwordHash: _hash, ...visible } = ann;
      expect(await repos.accounts.findById(id)).toEqual({ ...visible, id, updatedAt: T0 });
      expect(await repos.accounts.findByEmailWithPasswordHash('ann@example.com')).toEqual({ ...ann, id, updatedAt: T0 });
      expect(await repos.accounts.findById(999_999)).toBeUndefined();
      expect(await repos.accounts.findByEmailWithPasswordHash('nobody@example.com')).toBeUndefined();
    });

    it('keeps emails unique whatever their case: a second one is email_taken, and lookups ignore case', async () => {
      const repos = await open(testCatalog);
      const id = await repos.accounts.insertAccount(ann);
      for (const email of ['ann@example.com', 'Ann@Example.COM']) {
        const second = repos.accounts.insertAccount({ ...ann, email, displayName: 'Another Ann' });
        await expect(second).rejects.toBeInstanceOf(ConflictError);
        await expect(second).rejects.toMatchObject({ code: 'email_taken' });
      }
      expect(await repos.accounts.findByEmailWithPasswordHash('ANN@example.com')).toMatchObject({ id });
      expect(await repos.accounts.countByRole('customer')).toBe(1);
    });

    it('reads a dealer with profile and regions in code order; a customer is no dealer', async () => {
      const repos = await open(testCatalog);
      const dealerId = await repos.accounts.insertAccount({ ...ann, email: 'motors@example.com', role: 'dealer', status: 'pending_review' });
      await repos.accounts.insertDealerProfile(dealerId, 'Han River Motors', ['seoul', 'busan', 'gyeonggi']);
      const customerId = await repos.accounts.insertAccount(ann);
      expect(await repos.accounts.findDealer(dealerId)).toEqual({
        id: dealerId,
        email: 'motors@example.com',
        role: 'dealer',
        status: 'pending_review',
        displayName: 'Ann',
        createdAt: T0,
        updatedAt: T0,
        dealershipName: 'Han River Motors',
        regions: ['busan', 'gyeonggi', 'seoul'],
        reviewedBy: null,
        reviewedAt: null,
      });
      expect(await repos.accounts.findDealer(customerId)).toBeUndefined();
      expect(await repos.accounts.findDealer(999_999)).toBeUndefined();
    });

    it('lists dealers newest first, id breaking ties, by status, a page at a time', async () => {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      const first = await world.dealer(['seoul'], { createdAt: T0 });
      const pending = await world.dealer(['seoul'], { createdAt: minutesAfterT0(1), status: 'pending_review' });
      const sameMinute = await world.dealer(['busan'], { createdAt: minutesAfterT0(1) });
      const newest = await world.dealer(['jeju'], { createdAt: minutesAfterT0(2) });
      await world.customer(minutesAfterT0(3));

      expect(idsOf(await repos.accounts.listDealers({}, firstPage()))).toEqual([newest, sameMinute, pending, first]);
      expect(idsOf(await repos.accounts.listDealers({ status: 'active' }, firstPage()))).toEqual([newest, sameMinute, first]);
      expect(idsOf(await repos.accounts.listDealers({ status: 'suspended' }, firstPage()))).toEqual([]);
      expect(await idsAcrossPages(1, (page) => repos.accounts.listDealers({}, page))).toEqual([newest, sameMinute, pending, first]);
      expect(await idsAcrossPages(3, (page) => repos.accounts.listDealers({ status: 'active' }, page))).toEqual([newest, sameMinute, first]);
    });

    it('counts by role, changes a status and records a review, stamping the time', async () => {
      const repos = await open(testCatalog);
      const world = await arrange(repos);
      const dealerId = await world.dealer(['seoul'], { status: 'pending_review' });
      await world.customer();
      await world.customer();
      const adminId = await world.admin();
      expect([await repos.accounts.countByRole('customer'), await repos.accounts.countByRole('dealer'), await repos.accounts.countByRole('analyst')]).toEqual([2, 1, 0]);

      await repos.accounts.updateStatus(dealerId, 'active', minutesAfterT0(5));
      await repos.accounts.recordDealerReview(dealerId, adminId, minutesAfterT0(5));
      expect(await repos.accounts.findDealer(dealerId)).toMatchObject({
        status: 'active',
        createdAt: T0,
        updatedAt: minutesAfterT0(5),
        reviewedBy: adminId,
        reviewedAt: minutesAfterT0(5),
      });
    });
  });
}
