import { describe, expect, it } from 'vitest';
import { UsageError } from '../cli/cli-args.ts';
import { parseScheduleArgs } from './schedule-args.ts';

describe('report:daily arguments', () => {
  it('runs the scheduler without flags, one day with --day, help with -h', () => {
    expect(parseScheduleArgs([])).toEqual({ kind: 'serve' });
    expect(parseScheduleArgs(['--day', '2026-02-28'])).toEqual({ kind: 'one-day', day: '2026-02-28' });
    expect(parseScheduleArgs(['--day=2024-02-29'])).toEqual({ kind: 'one-day', day: '2024-02-29' });
    expect(parseScheduleArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it('refuses an unknown flag, a stray argument, a missing or impossible day, in one line', () => {
    const refusals: [string[], RegExp][] = [
      [['--days', '2026-02-28'], /Unknown option '--days'/],
      [['2026-02-28'], /Unexpected argument '2026-02-28'/],
      [['--day'], /Option '--day <value>' argument missing/],
      [['--day', '2026-02-30'], /^--day must be a date YYYY-MM-DD, not "2026-02-30"$/],
      [['--day', 'yesterday'], /^--day must be a date YYYY-MM-DD, not "yesterday"$/],
    ];
    for (const [argv, message] of refusals) {
      let thrown: unknown;
      try {
        parseScheduleArgs(argv);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, argv.join(' ')).toBeInstanceOf(UsageError);
      expect((thrown as Error).message, argv.join(' ')).toMatch(message);
      expect((thrown as Error).message, argv.join(' ')).not.toContain('\n');
    }
  });
});
