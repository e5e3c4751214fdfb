import type { IssueCollector } from '../errors.ts';
import { isRegionCode } from '../regions.ts';
import type { RegionCode } from '../regions.ts';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
const EMAIL_MAX_LENGTH = 254;
const DISPLAY_NAME_MAX_LENGTH = 100;
const DEALERSHIP_NAME_MAX_LENGTH = 120;

/** Emails are stored trimmed and lower-cased, which makes the unique index case-insensitive. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(issues: IssueCollector, email: string): void {
  issues.check(
    email.length <= EMAIL_MAX_LENGTH && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email),
    'email',
    'must be a valid email address',
  );
}

export function checkPassword(issues: IssueCollector, password: string): void {
  issues.check(
    password.length >= PASSWORD_MIN_LENGTH && password.length <= PASSWORD_MAX_LENGTH,
    'password',
    `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  );
}

export function checkName(issues: IssueCollector, field: string, name: string, maxLength = DISPLAY_NAME_MAX_LENGTH): void {
  issues.check(name.length >= 1 && name.length <= maxLength, field, `must be 1 to ${maxLength} characters`);
}

export function checkDealershipName(issues: IssueCollector, name: string): void {
  checkName(issues, 'dealershipName', name, DEALERSHIP_NAME_MAX_LENGTH);
}

/** Returns the distinct valid regions, recording an issue if any is unknown or none is given. */
export function checkRegions(issues: IssueCollector, regions: readonly string[]): RegionCode[] {
  const unknown = regions.filter((region) => !isRegionCode(region));
  if (unknown.length > 0) issues.add('regions', `unknown region codes: ${unknown.join(', ')}`);
  else if (regions.length === 0) issues.add('regions', 'must name at least one region');
  return [...new Set(regions.filter(isRegionCode))];
}
