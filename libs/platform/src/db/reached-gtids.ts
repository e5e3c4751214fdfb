/**
 * What one read server is known to have applied: per GTID domain, the highest sequence number a
 * GTID wait on it reached. A later read whose consistency token asks for no more can be served there
 * without waiting again, which spares a client that keeps reading with the token of its last write
 * one statement per read. This is exact while the server keeps serving: it applies each domain in
 * order (gtid_strict_mode on a replica, the cluster's one sequence on a Galera node), so what it
 * reached stays reached. A server that stops serving (down, failed, out of sync) may come back as
 * another copy of the data (a rebuilt replica, a restored node): its owner calls `forget` then.
 */
export class ReachedGtids {
  private readonly sequenceByDomain = new Map<number, number>();

  /** Notes that the server reached every GTID of `gtidList` (a wait for it answered "reached"). */
  record(gtidList: string): void {
    for (const gtid of gtidList.split(',')) {
      const parsed = domainAndSequence(gtid);
      if (!parsed) continue;
      const known = this.sequenceByDomain.get(parsed.domain);
      if (known === undefined || parsed.sequence > known) this.sequenceByDomain.set(parsed.domain, parsed.sequence);
    }
  }

  /** Whether the server is known to have reached every GTID of `gtidList`. */
  covers(gtidList: string): boolean {
    for (const gtid of gtidList.split(',')) {
      const parsed = domainAndSequence(gtid);
      if (!parsed) return false;
      const known = this.sequenceByDomain.get(parsed.domain);
      if (known === undefined || known < parsed.sequence) return false;
    }
    return true;
  }

  forget(): void {
    this.sequenceByDomain.clear();
  }
}

/** A GTID's domain and sequence number, or null when it is not `domain-server-sequence` with a sequence below 2^53. */
function domainAndSequence(gtid: string): { domain: number; sequence: number } | null {
  const [domain, server, sequence, extra] = gtid.split('-');
  if (extra !== undefined || !isDigits(domain) || !isDigits(server) || !isDigits(sequence)) return null;
  const value = Number(sequence);
  return Number.isSafeInteger(value) ? { domain: Number(domain), sequence: value } : null;
}

function isDigits(text: string | undefined): text is string {
  return text !== undefined && /^\d{1,20}$/.test(text);
}
