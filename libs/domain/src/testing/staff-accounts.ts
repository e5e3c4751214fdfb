/**
 * Staff accounts (admin, analyst) have no public sign-up: tests create them through the domain's
 * bootstrap on the primary, the way an operator would, then sign in over HTTP. Creating one that
 * exists already is no error, so every test may ask for the account it needs.
 */
import type { Kysely } from 'kysely';
import { ConflictError } from '../errors.ts';
import { createAccounts } from '../accounts/accounts.service.ts';
import { createKyselyWriteRunner, createRepositories, readsFrom } from '../repositories.ts';
import { systemClock } from '../clock.ts';
import type { Database } from '../schema/database.ts';

export type StaffRole = 'admin' | 'analyst';

/** The sign-in of each test staff account: `<role>@test.chucar.kr` with the given password. */
export function testStaffEmail(role: StaffRole): string {
  return `${role}@test.chucar.kr`;
}

/** Makes sure the staff account of `role` exists on `primary`, with `password`. */
export async function ensureTestStaffAccount(primary: Kysely<Database>, role: StaffRole, password: string): Promise<void> {
  const accounts = createAccounts({ reads: readsFrom(createRepositories(primary)), writes: createKyselyWriteRunner(primary), clock: systemClock, settings: { refreshTokenTtlDays: 1 } });
  const ignoreConflict = (error: unknown) => {
    if (!(error instanceof ConflictError)) throw error;
  };
  await accounts.bootstrapAdmin({ email: testStaffEmail('admin'), password, displayName: 'Test admin' }).catch(ignoreConflict);
  if (role === 'analyst') {
    const admin = await accounts.authenticate(testStaffEmail('admin'), password);
    await accounts.createStaffAccount({ accountId: admin.id, role: 'admin' }, { email: testStaffEmail('analyst'), password, displayName: 'Test analyst', role: 'analyst' }).catch(ignoreConflict);
  }
}
