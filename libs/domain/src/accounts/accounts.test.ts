import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../errors.ts';
import { createTestBackend } from '../testing/test-backend.ts';
import { createAccounts } from './accounts.service.ts';
import { hashRefreshToken } from './refresh-tokens.service.ts';
import { hashPassword, verifyAgainstDummyHash, verifyPassword } from './passwords.ts';

const FAST_SCRYPT = { N: 1024, r: 8, p: 1, keyLength: 32, saltLength: 16 };

function setup() {
  const backend = createTestBackend();
  const accounts = createAccounts({ ...backend, settings: { refreshTokenTtlDays: 30, scryptParams: FAST_SCRYPT } });
  return { ...backend, accounts };
}

const customerInput = { email: '  Kim.MinJun@Example.COM ', password: 'correct horse battery', displayName: '김민준' };
const dealerInput = {
  email: 'sales@seoul-motors.kr',
  password: 'dealer password 1',
  displayName: '이서연',
  dealershipName: '서울모터스',
  regions: ['seoul', 'gyeonggi', 'seoul'],
};

describe('passwords', () => {
  it('hashes with a self-describing salted format and verifies', async () => {
    const hash = await hashPassword('s3cret password', FAST_SCRYPT);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await hashPassword('s3cret password', FAST_SCRYPT)).not.toBe(hash);
    expect(await verifyPassword('s3cret password', hash)).toBe(true);
    expect(await verifyPassword('s3cret passwore', hash)).toBe(false);
    expect(await verifyPassword('s3cret password', 'scrypt$garbage')).toBe(false);
    expect(await verifyAgainstDummyHash('anything')).toBe(false);
  });
});

describe('sign-up and authentication', () => {
  it('stores the email normalized and authenticates case-insensitively', async () => {
    const { accounts, store } = setup();
    const account = await accounts.signUpCustomer(customerInput);
    expect(account).toMatchObject({ email: 'kim.minjun@example.com', role: 'customer', status: 'active' });
    expect(account).not.toHaveProperty('passwordHash');
    expect(store.state.accounts[0]?.passwordHash).toMatch(/^scrypt\$/);

    const signedIn = await accounts.authenticate('KIM.minjun@example.com', customerInput.password);
    expect(signedIn).toMatchObject({ id: account.id, role: 'customer' });
    expect(signedIn).not.toHaveProperty('passwordHash');
  });

  it('rejects a second account with the same email in any case', async () => {
    const { accounts } = setup();
    await accounts.signUpCustomer(customerInput);
    await expect(accounts.signUpCustomer({ ...customerInput, email: 'KIM.MINJUN@EXAMPLE.COM' })).rejects.toMatchObject({
      code: 'email_taken',
    });
    await expect(accounts.signUpDealer({ ...dealerInput, email: customerInput.email })).rejects.toBeInstanceOf(ConflictError);
  });

  it('gives the same error for a wrong password and an unknown email', async () => {
    const { accounts } = setup();
    await accounts.signUpCustomer(customerInput);
    await expect(accounts.authenticate(customerInput.email, 'wrong password!!')).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(accounts.authenticate('nobody@example.com', customerInput.password)).rejects.toBeInstanceOf(UnauthenticatedError);
  });

  it('validates sign-up input field by field', async () => {
    const { accounts } = setup();
    const error = await accounts
      .signUpDealer({ email: 'not-an-email', password: 'short', displayName: ' ', dealershipName: '', regions: ['mars'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.field).sort()).toEqual([
      'dealershipName',
      'displayName',
      'email',
      'password',
      'regions',
    ]);
  });
});

describe('dealers', () => {
  it('self-register pending review with distinct regions; an admin approves and suspends', async () => {
    const { accounts } = setup();
    const dealer = await accounts.signUpDealer(dealerInput);
    expect(dealer).toMatchObject({ status: 'pending_review', dealershipName: '서울모터스', regions: ['gyeonggi', 'seoul'] });

    const admin = { accountId: 999, role: 'admin' as const };
    const analyst = { accountId: 998, role: 'analyst' as const };
    await expect(accounts.approveDealer(analyst, dealer.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(accounts.approveDealer({ accountId: dealer.id, role: 'dealer' }, dealer.id)).rejects.toBeInstanceOf(ForbiddenError);

    const approved = await accounts.approveDealer(admin, dealer.id);
    expect(approved).toMatchObject({ status: 'active', reviewedBy: 999 });
    await expect(accounts.approveDealer(admin, dealer.id)).rejects.toBeInstanceOf(ConflictError);

    const { token } = await accounts.issueRefreshToken(dealer.id);
    await expect(accounts.suspendDealer(admin, dealer.id)).resolves.toMatchObject({ status: 'suspended' });
    await expect(accounts.rotateRefreshToken(token)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(accounts.authenticate(dealerInput.email, dealerInput.password)).rejects.toMatchObject({ code: 'account_suspended' });
    await expect(accounts.approveDealer(admin, 12345)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists dealers for staff only, filtered by status, newest first', async () => {
    const { accounts, clock } = setup();
    const a = await accounts.signUpDealer(dealerInput);
    clock.advanceMs(1000);
    const b = await accounts.signUpDealer({ ...dealerInput, email: 'b@dealer.kr' });
    const admin = { accountId: 999, role: 'admin' as const };
    await accounts.approveDealer(admin, a.id);

    expect((await accounts.listDealers(admin)).items.map((d) => d.id)).toEqual([b.id, a.id]);
    expect((await accounts.listDealers(admin, { status: 'pending_review' })).items.map((d) => d.id)).toEqual([b.id]);
    await expect(accounts.listDealers({ accountId: 1, role: 'customer' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('accounts are readable by themselves and staff only', async () => {
    const { accounts } = setup();
    const me = await accounts.signUpCustomer(customerInput);
    await expect(accounts.getAccount({ accountId: me.id, role: 'customer' }, me.id)).resolves.toMatchObject({ id: me.id });
    await expect(accounts.getAccount({ accountId: me.id + 1, role: 'customer' }, me.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(accounts.getAccount({ accountId: 1000, role: 'analyst' }, me.id)).resolves.toMatchObject({ id: me.id });
  });
});

describe('staff accounts', () => {
  it('bootstraps the first admin once; admins create staff', async () => {
    const { accounts } = setup();
    const admin = await accounts.bootstrapAdmin({ email: 'root@chucar.kr', password: 'very secret admin', displayName: '관리자' });
    await expect(
      accounts.bootstrapAdmin({ email: 'second@chucar.kr', password: 'very secret admin', displayName: '관리자2' }),
    ).rejects.toMatchObject({ code: 'admin_exists' });
    const adminActor = { accountId: admin.id, role: 'admin' as const };
    const analystInput = { email: 'analyst@chucar.kr', password: 'numbers numbers', displayName: '분석가', role: 'analyst' as const };
    await expect(accounts.createStaffAccount(adminActor, analystInput)).resolves.toMatchObject({ role: 'analyst' });
    await expect(
      accounts.createStaffAccount({ accountId: 5, role: 'analyst' }, { ...analystInput, email: 'x@chucar.kr' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('refresh tokens', () => {
  it('stores only a hash and rotates within the family', async () => {
    const { accounts, store } = setup();
    const account = await accounts.signUpCustomer(customerInput);
    const issued = await accounts.issueRefreshToken(account.id);
    expect(store.state.refreshTokens[0]?.tokenHash).toBe(hashRefreshToken(issued.token));
    expect(JSON.stringify(store.state.refreshTokens)).not.toContain(issued.token);

    const rotated = await accounts.rotateRefreshToken(issued.token);
    expect(rotated.token).not.toBe(issued.token);
    expect(rotated.account).toMatchObject({ id: account.id, role: 'customer' });
    const [first, second] = store.state.refreshTokens;
    expect(second?.familyId).toBe(first?.familyId);
    expect(first?.rotatedAt).not.toBeNull();
  });

  it('reusing a rotated token revokes the whole family', async () => {
    const { accounts, store } = setup();
    const account = await accounts.signUpCustomer(customerInput);
    const otherFamily = await accounts.issueRefreshToken(account.id);
    const stolen = await accounts.issueRefreshToken(account.id);
    const legit = await accounts.rotateRefreshToken(stolen.token);

    await expect(accounts.rotateRefreshToken(stolen.token)).rejects.toThrow(/reuse/);
    await expect(accounts.rotateRefreshToken(legit.token)).rejects.toBeInstanceOf(UnauthenticatedError);
    const family = store.state.refreshTokens.filter((token) => token.familyId !== store.state.refreshTokens[0]?.familyId);
    expect(family.every((token) => token.revokedAt !== null)).toBe(true);
    await expect(accounts.rotateRefreshToken(otherFamily.token)).resolves.toMatchObject({ account: { id: account.id } });
  });

  it('rejects unknown and expired tokens; logout and revoke-all end sessions', async () => {
    const { accounts, clock } = setup();
    const account = await accounts.signUpCustomer(customerInput);
    await expect(accounts.rotateRefreshToken('made-up')).rejects.toBeInstanceOf(UnauthenticatedError);

    const expiring = await accounts.issueRefreshToken(account.id);
    clock.advanceDays(30);
    await expect(accounts.rotateRefreshToken(expiring.token)).rejects.toThrow(/expired/);

    const loggedOut = await accounts.issueRefreshToken(account.id);
    await accounts.revokeRefreshToken(loggedOut.token);
    await expect(accounts.rotateRefreshToken(loggedOut.token)).rejects.toBeInstanceOf(UnauthenticatedError);

    const a = await accounts.issueRefreshToken(account.id);
    const b = await accounts.issueRefreshToken(account.id);
    await accounts.revokeRefreshTokens(account.id);
    await expect(accounts.rotateRefreshToken(a.token)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(accounts.rotateRefreshToken(b.token)).rejects.toBeInstanceOf(UnauthenticatedError);
  });
});
