import { describe, expect, it } from 'vitest';
import { UsageError, parseSeedArgs } from './cli-args.ts';

describe('parseSeedArgs', () => {
  it('defaults to the documented counts', () => {
    expect(parseSeedArgs([])).toEqual({ requests: 2_000, customers: 5_000, dealers: 400, seed: 1, reset: false, database: undefined, help: false });
  });

  it('reads every flag, spaced or with =', () => {
    expect(parseSeedArgs(['--requests', '10', '--customers=20', '--dealers', '3', '--seed=0', '--reset', '--database', 'chucar_x'])).toEqual({
      requests: 10, customers: 20, dealers: 3, seed: 0, reset: true, database: 'chucar_x', help: false,
    });
  });

  it.each([
    [['--bogus'], 'unknown flag --bogus'],
    [['extra'], 'unexpected argument "extra"'],
    [['--requests'], '--requests needs a value'],
    [['--requests', 'ten'], '--requests must be a whole number, got "ten"'],
    [['--requests', '1.5'], '--requests must be a whole number, got "1.5"'],
    [['--requests', '-1'], '--requests must be between 0 and 100000000, got -1'],
    [['--customers', '0'], '--customers must be between 1 and 10000000, got 0'],
    [['--seed', '4294967296'], '--seed must be between 0 and 4294967295, got 4294967296'],
    [['--reset=yes'], '--reset takes no value'],
    [['--seed', '1', '--seed', '2'], '--seed is given more than once'],
    [['--database', 'x; DROP'], '--database must be 1-64 letters, digits or underscores, got "x; DROP"'],
    [['--database', 'shop'], '--database must start with chucar (the app account\'s databases), got "shop"'],
  ])('rejects %j with a one-line message', (argv, message) => {
    expect(() => parseSeedArgs(argv)).toThrow(new UsageError(message));
    try {
      parseSeedArgs(argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
