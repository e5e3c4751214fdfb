/**
 * Staff, dealers and customers as plain rows. Pure: the same input gives the same rows.
 * Every account shares one password hash (hashed once by the caller: scrypt per row would
 * take hours), and every e-mail is lower-case under the demo domain, so seeded accounts
 * are easy to recognise and can never be someone's real address.
 */
import { REGION_CODES } from '@chucar/domain';
import type { RegionCode } from '@chucar/domain';
import {
  DEALERSHIP_BRANDS,
  DEALERSHIP_KINDS,
  DEALER_DISTRICTS,
  DEALER_HOME_BOOST,
  GIVEN_NAMES,
  NEIGHBOURING_REGIONS,
  REGION_POPULATION,
  SURNAMES,
} from './demo-vocabulary.ts';
import { STREAMS, createRandom, weightedPicker } from './prng.ts';
import type { Random } from './prng.ts';
import { DAY_MS, HOUR_MS } from './timeline.ts';
import { DEMO_EMAIL_DOMAIN } from './seed-rows.ts';
import type { RowOf, SeededCustomers, SeededDealer } from './seed-rows.ts';

/** The logins printed at the end of a seed; all share DEMO_PASSWORD. */
export const DEMO_LOGINS = {
  customer: `customer@${DEMO_EMAIL_DOMAIN}`,
  dealer: `dealer@${DEMO_EMAIL_DOMAIN}`,
  analyst: `analyst@${DEMO_EMAIL_DOMAIN}`,
  admin: `admin@${DEMO_EMAIL_DOMAIN}`,
} as const;
/** Meets the domain's password rule (10 to 200 characters). */
export const DEMO_PASSWORD = 'chucar-demo-1234';

const ANALYST_COUNT = 3;
const PENDING_DEALER_SHARE = 0.07;
const SUSPENDED_DEALER_SHARE = 0.04;

export type AccountsInput = {
  seed: number;
  customers: number;
  dealers: number;
  nowMs: number;
  /** The first free account id (MAX(id) + 1). */
  firstId: number;
  passwordHash: string;
};

export type SeededAccounts = {
  accounts: RowOf<'accounts'>[];
  dealerProfiles: RowOf<'dealer_profiles'>[];
  dealerRegions: RowOf<'dealer_regions'>[];
  customers: SeededCustomers;
  dealers: SeededDealer[];
  adminId: number;
};

const pickSurname = weightedPicker(SURNAMES.map((entry) => [entry, entry[2]] as const));
const pickCustomerRegion = weightedPicker(REGION_CODES.map((code) => [code, REGION_POPULATION[code]] as const));
const pickDealerRegion = weightedPicker(
  REGION_CODES.map((code) => [code, REGION_POPULATION[code] * (DEALER_HOME_BOOST[code] ?? 1)] as const),
);

function koreanName(random: Random): { hangul: string; roman: string } {
  const [surname, surnameRoman] = pickSurname(random);
  const [given, givenRoman] = random.pick(GIVEN_NAMES);
  return { hangul: `${surname}${given}`, roman: `${givenRoman}.${surnameRoman}` };
}

export function generateAccounts(input: AccountsInput): SeededAccounts {
  const { nowMs, passwordHash } = input;
  let nextId = input.firstId;
  const accounts: RowOf<'accounts'>[] = [];
  const account = (email: string, role: RowOf<'accounts'>['role'], status: RowOf<'accounts'>['status'], displayName: string, createdAtMs: number, updatedAtMs = createdAtMs) => {
    const id = nextId;
    nextId += 1;
    accounts.push({
      id,
      email,
      password_hash: passwordHash,
      role,
      status,
      display_name: displayName,
      created_at: new Date(createdAtMs),
      updated_at: new Date(updatedAtMs),
    });
    return id;
  };

  const staffSinceMs = nowMs - 900 * DAY_MS;
  const adminId = account(DEMO_LOGINS.admin, 'admin', 'active', '관리자', staffSinceMs);
  for (let index = 0; index < ANALYST_COUNT; index += 1) {
    const email = index === 0 ? DEMO_LOGINS.analyst : `analyst.${index + 1}@${DEMO_EMAIL_DOMAIN}`;
    account(email, 'analyst', 'active', `데이터 분석 ${index + 1}`, staffSinceMs + (index + 1) * DAY_MS);
  }

  const dealers = generateDealers(input, adminId, account);
  const customers = generateCustomers(input, account);
  return { accounts, ...dealers, customers, adminId };
}

type AddAccount = (email: string, role: RowOf<'accounts'>['role'], status: RowOf<'accounts'>['status'], displayName: string, createdAtMs: number, updatedAtMs?: number) => number;

function generateDealers(input: AccountsInput, adminId: number, account: AddAccount) {
  const { seed, nowMs } = input;
  const count = input.dealers;
  // New sign-ups wait for review, so the pending ones are the most recent (ids ascend with time).
  const pendingCount = count >= 10 ? Math.round(count * PENDING_DEALER_SHARE) : 0;
  const establishedCount = count - pendingCount;
  const dealers: SeededDealer[] = [];
  const dealerProfiles: RowOf<'dealer_profiles'>[] = [];
  const dealerRegions: RowOf<'dealer_regions'>[] = [];

  for (let index = 0; index < count; index += 1) {
    const random = createRandom(seed, STREAMS.dealers, index);
    const isDemo = index === 0;
    const pending = index >= establishedCount;
    const createdAtMs = pending
      ? nowMs - 20 * DAY_MS + ((index - establishedCount + random.next()) / pendingCount) * (20 * DAY_MS - HOUR_MS)
      : nowMs - 900 * DAY_MS + ((index + random.next()) / establishedCount) * (875 * DAY_MS);
    // The first dealers cover every region once, so no region is left without quotes.
    const coverRegion = index >= 1 && index <= REGION_CODES.length ? REGION_CODES[index - 1] : undefined;
    const suspended = !pending && !isDemo && coverRegion === undefined && random.chance(SUSPENDED_DEALER_SHARE);
    const status: SeededDealer['status'] = pending ? 'pending_review' : suspended ? 'suspended' : 'active';

    const regions: RegionCode[] = isDemo ? ['seoul', 'gyeonggi'] : dealerRegionsFor(random, coverRegion ?? pickDealerRegion(random));
    const home = regions[0] ?? 'seoul';
    const reviewedAtMs = status === 'active'
      ? createdAtMs + random.between(2 * HOUR_MS, 72 * HOUR_MS)
      : status === 'suspended'
        ? random.between(createdAtMs + 10 * DAY_MS, nowMs - DAY_MS)
        : null;
    const name = koreanName(random);
    const email = isDemo ? DEMO_LOGINS.dealer : `dealer.${String(index).padStart(4, '0')}@${DEMO_EMAIL_DOMAIN}`;
    const id = account(email, 'dealer', status, isDemo ? '데모 딜러' : name.hangul, createdAtMs, reviewedAtMs ?? createdAtMs);

    dealerProfiles.push({
      account_id: id,
      dealership_name: isDemo ? '추카 데모모터스 강남점' : `${random.pick(DEALERSHIP_BRANDS)} ${random.pick(DEALER_DISTRICTS[home])}${random.pick(DEALERSHIP_KINDS)}`,
      reviewed_by: reviewedAtMs === null ? null : adminId,
      reviewed_at: reviewedAtMs === null ? null : new Date(reviewedAtMs),
    });
    for (const region of regions) dealerRegions.push({ dealer_id: id, region });
    dealers.push({
      id,
      regions,
      status,
      activeSinceMs: status === 'active' ? reviewedAtMs : null,
      activity: isDemo ? 2 : 0.2 + 3 * random.next() ** 2,
    });
  }
  return { dealers, dealerProfiles, dealerRegions };
}

/** A home region plus, for some dealers, one or two neighbouring regions. */
function dealerRegionsFor(random: Random, home: RegionCode): RegionCode[] {
  const roll = random.next();
  const extra = roll < 0.5 ? 0 : roll < 0.85 ? 1 : 2;
  const regions: RegionCode[] = [home];
  const neighbours = [...NEIGHBOURING_REGIONS[home]];
  while (regions.length < 1 + extra && neighbours.length > 0) {
    // Nearest neighbours are likelier: take from the front half of what is left.
    const [region] = neighbours.splice(Math.floor(random.next() * Math.ceil(neighbours.length / 2)), 1);
    if (region !== undefined) regions.push(region);
  }
  return regions;
}

function generateCustomers(input: AccountsInput, account: AddAccount): SeededCustomers {
  const { seed, nowMs } = input;
  const count = input.customers;
  const ids: number[] = [];
  const createdAtMs = new Float64Array(count);
  const homeRegions: RegionCode[] = [];
  // Sign-ups spread evenly over two years: about half predate the year of requests.
  const startMs = nowMs - 730 * DAY_MS;
  const spanMs = 730 * DAY_MS - HOUR_MS;
  for (let index = 0; index < count; index += 1) {
    const random = createRandom(seed, STREAMS.customers, index);
    const isDemo = index === 0;
    const createdMs = Math.floor(startMs + ((index + random.next()) / count) * spanMs);
    const name = koreanName(random);
    const region = isDemo ? 'seoul' : pickCustomerRegion(random);
    const email = isDemo ? DEMO_LOGINS.customer : `${name.roman}.${index}@${DEMO_EMAIL_DOMAIN}`;
    ids.push(account(email, 'customer', 'active', isDemo ? '데모 고객' : name.hangul, createdMs));
    createdAtMs[index] = createdMs;
    homeRegions.push(region);
  }
  return { ids, createdAtMs, homeRegions };
}
