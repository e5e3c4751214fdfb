import type { Logger } from 'pino';
import type { Database } from '@chucar/platform';
import {
  REPORT_TIME_ZONE,
  isReportName,
  parseReportParams,
  reportDefinition,
  type Database as Schema,
  type ReportDefinition,
  type ReportParams,
  type ReportParamsInput,
} from '@chucar/domain';
import { judgeLag, readFreshness } from '../guard/freshness.ts';
import { QuerySlots } from '../guard/query-slots.ts';
import { ReplicaGuard } from '../guard/replica-guard.ts';
import { computeReport } from './compute-report.ts';
import { ReportRows } from './report-rows.ts';
import { resolveScope } from './scope.ts';

/** What every output states above its figures. */
export type ReportHeader = {
  report: ReportDefinition['name'];
  title: string;
  params: ReportParams;
  timeZone: typeof REPORT_TIME_ZONE;
  /** The replica's data includes everything the primary committed up to this instant (the last heartbeat applied). */
  dataAsOf: string;
  replicaLagSeconds: number;
  generatedAt: string;
  warnings: string[];
};

/** A report being computed: its header is known; its rows come as the replica's results are folded. */
export type ReportResult = { definition: ReportDefinition; header: ReportHeader; rows: ReportRows };

export class UnknownReportError extends Error {
  readonly reportName: string;
  constructor(name: string) {
    super(`unknown report ${JSON.stringify(name)}`);
    this.name = 'UnknownReportError';
    this.reportName = name;
  }
}

export type RunnerSettings = {
  statementTimeLimitS: number;
  maxConcurrentQueries: number;
  queueWaitMs: number;
  warnLagS: number;
  allowNonReplica: boolean;
};

export type RunOptions = {
  maxLagS?: number | undefined;
  onProgress?: ((rowsRead: number) => void) | undefined;
  /** Aborted when whoever asked has gone (an HTTP client that hung up): the report's statement is stopped. */
  signal?: AbortSignal | undefined;
};

/**
 * Runs reports on the replica: inputs checked first (a bad one touches no server), then the
 * replica-only checks and the freshness, then the SQL inside a query slot.
 */
export class ReportRunner {
  readonly #database: Database<Schema>;
  readonly #settings: RunnerSettings;
  readonly #guard: ReplicaGuard;
  readonly #slots: QuerySlots;
  readonly #log: Logger;
  /** Reports whose SQL is still running, so a shutdown can stop them before the pool closes. */
  readonly #inFlight = new Set<ReportRows>();

  constructor(database: Database<Schema>, settings: RunnerSettings, log: Logger) {
    this.#database = database;
    this.#settings = settings;
    this.#log = log;
    this.#guard = new ReplicaGuard(database.runSql, { allowNonReplica: settings.allowNonReplica, log });
    this.#slots = new QuerySlots(settings.maxConcurrentQueries, settings.queueWaitMs);
  }

  /** Stops every report whose SQL is still running and waits until each has stopped: before the pool closes. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#inFlight].map((rows) => rows.close()));
  }

  /** The start-up check: rejects with a ReportRefusal unless the server is a replica (or break glass). */
  checkReplica(): Promise<string[]> {
    return this.#guard.check();
  }

  async run(name: string, input: ReportParamsInput, options: RunOptions = {}): Promise<ReportResult> {
    if (!isReportName(name)) throw new UnknownReportError(name);
    const definition = reportDefinition(name);
    const params = parseReportParams(definition, input);
    const warnings = await this.#guard.check();
    const freshness = await readFreshness(this.#database.runSql);
    warnings.push(...judgeLag(freshness, { warnLagS: this.#settings.warnLagS, maxLagS: options.maxLagS }));
    const release = await this.#slots.acquire();
    const startedMs = performance.now();
    let rows: ReportRows;
    try {
      const db = this.#database.db;
      const scope = await resolveScope(db, params);
      const stop = new AbortController();
      options.signal?.addEventListener('abort', () => stop.abort(new Error('the report’s reader went away')), { once: true, signal: stop.signal });
      const batches = computeReport(name, { database: this.#database, db, params, scope, asOf: freshness.dataAsOf, timeLimitS: this.#settings.statementTimeLimitS, onProgress: options.onProgress, signal: stop.signal });
      // The query slot is held until the SQL is done, not until the reader has read every row.
      rows = await ReportRows.start(
        batches,
        (outcome) => {
          this.#inFlight.delete(rows);
          release();
          const fields = { report: name, params, rows: outcome.rows, durationMs: Math.round(performance.now() - startedMs), replicaLagSeconds: freshness.replicaLagSeconds };
          if (outcome.error === null) this.#log.info(fields, 'report computed');
          else if (stop.signal.aborted) this.#log.info(fields, 'report stopped: its reader went away');
          else this.#log.warn({ ...fields, err: outcome.error }, 'report stopped before its end');
        },
        () => stop.abort(new Error('the report’s reader went away')),
      );
    } catch (error) {
      release();
      throw error;
    }
    // The SQL may already be done (a small report): only a pump still running is in flight.
    if (!rows.finished) this.#inFlight.add(rows);
    return {
      definition,
      header: {
        report: name,
        title: definition.title,
        params,
        timeZone: REPORT_TIME_ZONE,
        dataAsOf: freshness.dataAsOf.toISOString(),
        replicaLagSeconds: freshness.replicaLagSeconds,
        generatedAt: new Date().toISOString(),
        warnings,
      },
      rows,
    };
  }
}
