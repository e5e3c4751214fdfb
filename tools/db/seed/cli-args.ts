/** The flags of `npm run db:seed`, parsed without side effects so they can be tested. */
import { DEFAULT_SEED_OPTIONS } from './seed-demo-data.ts';

export type SeedCliArgs = {
  requests: number;
  customers: number;
  dealers: number;
  seed: number;
  reset: boolean;
  /** Overrides DB_NAME. */
  database: string | undefined;
  help: boolean;
};

/** A bad command line: the CLI prints the message on one line and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const SEED_USAGE = `usage: npm run db:seed -- [--requests N] [--customers N] [--dealers N] [--seed S] [--reset] [--database NAME]
  --requests N    quote requests to create, with their quotes (default ${DEFAULT_SEED_OPTIONS.requests})
  --customers N   customer accounts, the demo customer included (default ${DEFAULT_SEED_OPTIONS.customers})
  --dealers N     dealer accounts, the demo dealer included (default ${DEFAULT_SEED_OPTIONS.dealers})
  --seed S        PRNG seed, 0 to 4294967295: same seed and counts, same choices (default ${DEFAULT_SEED_OPTIONS.seed})
  --reset         delete existing quote requests, quotes and demo accounts first
  --database NAME seed this database (chucar…) instead of DB_NAME; created (admin account) and migrated if missing
With DB_CLUSTER_NODES (npm run db:seed sets the local stack's Galera nodes) it writes to the cluster's
first synced node; with it empty, to the primary (DB_PRIMARY_HOST, DB_PRIMARY_PORT).`;

const INTEGER_FLAGS = { '--requests': 'requests', '--customers': 'customers', '--dealers': 'dealers', '--seed': 'seed' } as const;
type IntegerFlag = keyof typeof INTEGER_FLAGS;

const MINIMUMS: Record<(typeof INTEGER_FLAGS)[IntegerFlag], number> = { requests: 0, customers: 1, dealers: 1, seed: 0 };
const MAXIMUMS: Record<(typeof INTEGER_FLAGS)[IntegerFlag], number> = {
  requests: 100_000_000,
  customers: 10_000_000,
  dealers: 1_000_000,
  seed: 0xffff_ffff,
};

function isIntegerFlag(flag: string): flag is IntegerFlag {
  return Object.hasOwn(INTEGER_FLAGS, flag);
}

export function parseSeedArgs(argv: readonly string[]): SeedCliArgs {
  const args: SeedCliArgs = { ...DEFAULT_SEED_OPTIONS, reset: false, database: undefined, help: false };
  const seen = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    const equals = argument.indexOf('=');
    const flag = argument.startsWith('--') && equals > 0 ? argument.slice(0, equals) : argument;
    const inlineValue = flag === argument ? undefined : argument.slice(equals + 1);
    if (seen.has(flag)) throw new UsageError(`${flag} is given more than once`);
    seen.add(flag);

    if (flag === '--reset' || flag === '--help' || flag === '-h') {
      if (inlineValue !== undefined) throw new UsageError(`${flag} takes no value`);
      if (flag === '--reset') args.reset = true;
      else args.help = true;
      continue;
    }
    if (!isIntegerFlag(flag) && flag !== '--database') {
      throw new UsageError(argument.startsWith('-') ? `unknown flag ${flag}` : `unexpected argument ${JSON.stringify(argument)}`);
    }
    let value = inlineValue;
    if (value === undefined) {
      index += 1;
      value = argv[index];
    }
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);

    if (flag === '--database') {
      if (!/^[A-Za-z0-9_]{1,64}$/.test(value)) throw new UsageError(`--database must be 1-64 letters, digits or underscores, got ${JSON.stringify(value)}`);
      // The app account is granted `chucar%` databases only; any other name could be created but not used.
      if (!value.startsWith('chucar')) throw new UsageError(`--database must start with chucar (the app account's databases), got ${JSON.stringify(value)}`);
      args.database = value;
      continue;
    }
    const key = INTEGER_FLAGS[flag];
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(number)) throw new UsageError(`${flag} must be a whole number, got ${JSON.stringify(value)}`);
    if (number < MINIMUMS[key] || number > MAXIMUMS[key]) {
      throw new UsageError(`${flag} must be between ${MINIMUMS[key]} and ${MAXIMUMS[key]}, got ${number}`);
    }
    args[key] = number;
  }
  return args;
}
