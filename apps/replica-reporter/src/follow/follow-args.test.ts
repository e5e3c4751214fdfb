import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/cli-args.ts';
import { parseFollowArgs } from './follow-args.ts';

describe('parseFollowArgs', () => {
  it('serves by default, runs once with --once, and helps with -h or --help', () => {
    expect(parseFollowArgs([])).toEqual({ kind: 'serve' });
    expect(parseFollowArgs(['--once'])).toEqual({ kind: 'once' });
    expect(parseFollowArgs(['-h'])).toEqual({ kind: 'help' });
    expect(parseFollowArgs(['--once', '--help'])).toEqual({ kind: 'help' });
  });

  it('refuses an unknown flag, a value and a positional argument in one line', () => {
    for (const argv of [['--onse'], ['--once=yes'], ['now']]) {
      expect(() => parseFollowArgs(argv)).toThrow(UsageError);
      try {
        parseFollowArgs(argv);
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
      }
    }
  });
});
