import { describe, expect, it } from 'vitest';
import { parseScrubCli, UsageError } from './scrub-cli-args.ts';

describe('media:scrub command line', () => {
  it('runs head then full by default, and takes the window, limit and rate', () => {
    expect(parseScrubCli([])).toEqual({ kind: 'scrub', pass: 'both', purge: false, json: false });
    expect(parseScrubCli(['--pass', 'head', '--window', '0.5', '--limit', '10', '--rate', '2', '--purge', '--json'])).toEqual({
      kind: 'scrub',
      pass: 'head',
      windowHours: 0.5,
      limit: 10,
      bytesPerSecond: 2 * 1024 * 1024,
      purge: true,
      json: true,
    });
  });

  it('lists lost media and incidents', () => {
    expect(parseScrubCli(['--list-lost'])).toEqual({ kind: 'list-lost', limit: 1000, json: false });
    expect(parseScrubCli(['--incidents', 'open', '--limit', '5'])).toEqual({ kind: 'incidents', outcome: 'open', limit: 5, json: false });
    expect(parseScrubCli(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--pass', 'deep'], /--pass must be one of/],
    [['--window', '0'], /--window must be a number above 0/],
    [['--limit', '1.5'], /--limit must be a whole number/],
    [['--rate', 'fast'], /--rate must be a number/],
    [['--incidents', 'closed'], /--incidents must be one of/],
    [['--list-lost', '--pass', 'head'], /lists only/],
    [['--list-lost', '--incidents', 'all'], /cannot be combined/],
    [['--frobnicate'], /Unknown option/],
    [['stray'], /positional/],
  ])('refuses %j with one line', (argv, message) => {
    const error = (() => {
      try {
        parseScrubCli(argv);
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
