import { describe, expect, it } from 'vitest';
import { binlogCoversPosition } from './binlog-coverage.ts';
import { formatGtid, parseGtidList, type BinlogReach } from './mariadb-dialect.ts';

/** A binlog as SHOW BINARY LOGS / SHOW BINLOG EVENTS / @@gtid_binlog_state describe it, in GTID text. */
function reach(gtidList: string, firstGtids: string, state: string): BinlogReach {
  return { oldestFile: 'node.000001', oldestFileGtidList: parseGtidList(gtidList), firstGtidsInOldestFile: parseGtidList(firstGtids), binlogState: parseGtidList(state) };
}

describe('GTID lists', () => {
  it('reads what MariaDB prints, with or without the Gtid_list event’s brackets', () => {
    expect(parseGtidList('')).toEqual([]);
    expect(parseGtidList('[]')).toEqual([]);
    expect(parseGtidList('[1-1-500,11-1-3]')).toEqual([
      { domainId: 1, serverId: 1, sequence: 500 },
      { domainId: 11, serverId: 1, sequence: 3 },
    ]);
    expect(parseGtidList('0-1-4657').map(formatGtid)).toEqual(['0-1-4657']);
    expect(() => parseGtidList('1-1')).toThrow(/not a GTID list/);
    expect(() => parseGtidList('1-1-99999999999999999999')).toThrow(/not a GTID list/);
  });
});

describe('binlogCoversPosition', () => {
  it('covers a position on a node whose binlog holds the domain from its first transaction', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-400'), reach('[]', '1-1-1', '1-1-420'))).toEqual({ covered: true });
  });

  it('covers a position at or past what the oldest file lists, and one the source has just written', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-300'), reach('[1-1-300]', '1-1-301', '1-1-420'))).toEqual({ covered: true });
    expect(binlogCoversPosition(parseGtidList('1-1-420'), reach('[1-1-300]', '1-1-301', '1-1-420'))).toEqual({ covered: true });
  });

  it('refuses a position older than the oldest file’s Gtid_list: those events were purged', () => {
    const coverage = binlogCoversPosition(parseGtidList('1-1-250'), reach('[1-1-300]', '1-1-301', '1-1-420'));
    expect(coverage).toMatchObject({ covered: false, reason: expect.stringMatching(/oldest binlog node\.000001 starts after 1-1-300, the replica is at 1-1-250/) });
  });

  it('refuses a fresh binlog after a full state transfer: its first GTID does not follow the replica’s', () => {
    const coverage = binlogCoversPosition(parseGtidList('1-1-400'), reach('[]', '1-1-900', '1-1-950'));
    expect(coverage).toMatchObject({ covered: false, reason: expect.stringMatching(/starts domain 1 at 1-1-900 .*full state transfer/) });
    // The transaction right after the replica's is the file's first: nothing is missing.
    expect(binlogCoversPosition(parseGtidList('1-1-899'), reach('[]', '1-1-900', '1-1-950'))).toEqual({ covered: true });
  });

  it('refuses when it cannot see where a domain starts in the oldest file', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-400'), reach('[]', '11-2-1', '1-1-950,11-2-4'))).toMatchObject({ covered: false, reason: expect.stringMatching(/cannot see where domain 1 starts/) });
  });

  it('refuses a source behind the replica, or one that never wrote its last GTID (diverged)', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-430'), reach('[]', '1-1-1', '1-1-420'))).toMatchObject({ covered: false, reason: expect.stringMatching(/does not hold 1-1-430.*ahead of it or diverged/) });
    expect(binlogCoversPosition(parseGtidList('1-7-400'), reach('[]', '1-1-1', '1-1-420'))).toMatchObject({ covered: false, reason: expect.stringMatching(/does not hold 1-7-400/) });
  });

  it('refuses a domain the oldest file lists but the replica never had: it would need that domain from its start', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-400'), reach('[1-1-100,12-1-5]', '1-1-101', '1-1-420,12-1-9'))).toMatchObject({ covered: false, reason: expect.stringMatching(/starts after 12-1-5/) });
  });

  it('ignores a domain the source never wrote (another node’s own, local domain): it has nothing of it to send', () => {
    expect(binlogCoversPosition(parseGtidList('1-1-400,11-1-3'), reach('[]', '1-1-1', '1-1-420'))).toEqual({ covered: true });
  });
});
