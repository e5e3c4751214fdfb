import { describe, expect, it } from 'vitest';
import { UsageError, parseOrphansArgs, parseRequeueArgs } from './cli-args.ts';

const id = '0b0c7a52-3a57-4c43-9d3e-5a1f7f0d9a11';

describe('media:requeue arguments', () => {
  it('takes ids, --all-failed or --list', () => {
    expect(parseRequeueArgs(['--id', id, '--id', id])).toEqual({ help: false, target: { ids: [id] }, json: false });
    expect(parseRequeueArgs(['--all-failed', '--json'])).toEqual({ help: false, target: 'all-failed', json: true });
    expect(parseRequeueArgs(['--list'])).toEqual({ help: false, target: 'list', json: false });
    expect(parseRequeueArgs(['--help'])).toEqual({ help: true });
  });

  it('refuses what it cannot act on', () => {
    for (const argv of [[], ['--id', id, '--all-failed'], ['--id', 'not-a-uuid'], ['--id', id.toUpperCase()], ['--id'], ['--all'], ['stray'], ['--list', '--all-failed']]) {
      expect(() => parseRequeueArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('media:orphans arguments', () => {
  it('takes one action and optional limits', () => {
    expect(parseOrphansArgs(['--report'])).toEqual({ help: false, action: { kind: 'report' }, stores: [], json: false });
    expect(parseOrphansArgs(['--sweep', '--store', 'mirror', '--grace-hours', '48', '--retention-days', '7', '--max-share-percent', '2.5', '--json'])).toEqual({
      help: false,
      action: { kind: 'sweep' },
      stores: ['mirror'],
      graceHours: 48,
      retentionDays: 7,
      maxSharePercent: 2.5,
      json: true,
    });
    expect(parseOrphansArgs(['--restore', 'tombstones/20261126T004500123Z/originals/x', '--store', 'primary'])).toMatchObject({ action: { kind: 'restore', key: 'tombstones/20261126T004500123Z/originals/x' } });
  });

  it('refuses no action, two actions, bad numbers and a restore without one store', () => {
    const bad = [[], ['--report', '--sweep'], ['--sweep', '--grace-hours', '0'], ['--sweep', '--grace-hours', 'soon'], ['--report', '--max-share-percent', '101'], ['--restore', 'k'], ['--restore', 'k', '--store', 'a', '--store', 'b'], ['--report', '--force']];
    for (const argv of bad) expect(() => parseOrphansArgs(argv), argv.join(' ')).toThrow(UsageError);
  });
});
