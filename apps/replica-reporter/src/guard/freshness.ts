import { readHeartbeatTimes, type RunSql } from '@chucar/platform';
import { ReportRefusal } from './refusal.ts';

/**
 * How fresh the replica's data is, from the heartbeat row the primary rewrites every second and
 * the replica receives like any other write (Seconds_Behind_Master is not trusted: it reads 0 while
 * the IO thread is stuck). `dataAsOf` is the last heartbeat the replica applied; the lag is the
 * replica's clock minus that.
 */
export type Freshness = { dataAsOf: Date; replicaLagSeconds: number };

export async function readFreshness(run: RunSql): Promise<Freshness> {
  const times = await readHeartbeatTimes(run);
  if (!times) throw new ReportRefusal('replica_too_stale', 'the replica has no heartbeat row: freshness cannot be stated (run the migrations on the primary)', 60);
  const lagSeconds = Math.max(0, (times.serverNow.getTime() - times.beatAt.getTime()) / 1000);
  return { dataAsOf: times.beatAt, replicaLagSeconds: Math.round(lagSeconds * 10) / 10 };
}

/** Refuses above `maxLagS` (the caller's --max-lag); above `warnLagS` the report carries a warning. */
export function judgeLag(freshness: Freshness, limits: { warnLagS: number; maxLagS?: number | undefined }): string[] {
  const lag = freshness.replicaLagSeconds;
  if (limits.maxLagS !== undefined && lag > limits.maxLagS) {
    throw new ReportRefusal('replica_too_stale', `refusing to report: the replica lags ${lag} s behind the primary, more than the ${limits.maxLagS} s allowed (--max-lag)`, 10);
  }
  return lag > limits.warnLagS ? [`the replica lags ${lag} s behind the primary (data as of ${freshness.dataAsOf.toISOString()}); figures may miss the latest activity`] : [];
}
