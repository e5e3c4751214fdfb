import { formatGtid, type BinlogReach, type Gtid } from './mariadb-dialect.ts';

export type BinlogCoverage = { covered: true } | { covered: false; reason: string };

/**
 * Whether a server whose binary log reaches back as `reach` says can serve a replica that resumes
 * at `position` (its gtid_slave_pos) without a gap. It follows the checks a MariaDB source makes when
 * a replica connects with MASTER_USE_GTID, and is stricter where those let a gap through:
 * - every domain in the oldest file's Gtid_list must be in the position at or past the listed
 *   sequence number, or the events the replica needs were in a purged file (the source refuses);
 * - the source must have written the replica's last GTID of each domain it writes at all, or the
 *   replica is ahead of it or diverged (the source refuses);
 * - a domain the oldest file does not list but the log holds starts inside the log: its first GTID
 *   there must follow the replica's directly. A node that joined by full state transfer starts a
 *   fresh log this way, and a source would stream from that first GTID and silently skip the rest.
 * A domain the source never wrote is nothing it could send, as MariaDB also judges.
 */
export function binlogCoversPosition(position: readonly Gtid[], reach: BinlogReach): BinlogCoverage {
  const positionIn = (domainId: number) => position.find((gtid) => gtid.domainId === domainId);
  const shownPosition = position.length > 0 ? position.map(formatGtid).join(',') : 'an empty position';

  for (const listed of reach.oldestFileGtidList) {
    const applied = positionIn(listed.domainId);
    if (!applied || applied.sequence < listed.sequence) {
      return { covered: false, reason: `its oldest binlog ${reach.oldestFile} starts after ${formatGtid(listed)}, the replica is at ${shownPosition}` };
    }
  }

  for (const applied of position) {
    const domainWritten = reach.binlogState.filter((gtid) => gtid.domainId === applied.domainId);
    if (domainWritten.length === 0) continue;
    const sameServer = domainWritten.find((gtid) => gtid.serverId === applied.serverId);
    if (!sameServer || sameServer.sequence < applied.sequence) {
      return { covered: false, reason: `its binlog does not hold ${formatGtid(applied)} (binlog state ${domainWritten.map(formatGtid).join(',')}): the replica is ahead of it or diverged` };
    }
    if (reach.oldestFileGtidList.some((gtid) => gtid.domainId === applied.domainId)) continue;
    const first = reach.firstGtidsInOldestFile.find((gtid) => gtid.domainId === applied.domainId);
    if (!first) {
      return { covered: false, reason: `cannot see where domain ${applied.domainId} starts in its oldest binlog ${reach.oldestFile}, so cannot tell that it holds what follows ${formatGtid(applied)}` };
    }
    if (first.sequence > applied.sequence + 1) {
      return { covered: false, reason: `its binlog starts domain ${applied.domainId} at ${formatGtid(first)} (a fresh binlog, as after a full state transfer), the replica is at ${formatGtid(applied)}` };
    }
  }
  return { covered: true };
}
