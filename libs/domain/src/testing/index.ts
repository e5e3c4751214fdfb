/** `@chucar/domain/testing`: what tests outside the domain share with it. Never imported by running code. */
export { testCatalog } from './catalog-fixture.ts';
export type { FixtureMaker, FixtureModel, FixtureOption, FixtureTrim } from './catalog-fixture.ts';
export { describeRepositoryContract } from './repository-contract/index.ts';
export type { OpenRepositories } from './repository-contract/index.ts';
export { ensureTestStaffAccount, testStaffEmail } from './staff-accounts.ts';
export type { StaffRole } from './staff-accounts.ts';
