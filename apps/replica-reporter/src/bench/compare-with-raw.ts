/**
 * Run by `npm run bench -- reporter` as a process of its own (the bench may not import an app):
 * each report over the whole dataset, rendered to CSV, against the same statements streamed raw
 * through a plain mysql2 connection, alternating, `runs` times each. Prints one JSON line per report:
 * the medians of elapsed time and of this process's CPU time (the replica's work is in the former only),
 * and every run's elapsed time, so a ratio's spread shows.
 *
 *   node apps/replica-reporter/src/bench/compare-with-raw.ts <database> <from> <to> <runs>
 */
import { performance } from 'node:perf_hooks';
import { createConnection, type Connection } from 'mysql2';
import type { Compilable, Kysely } from 'kysely';
import { pino } from 'pino';
import { REPORT_NAMES, type Database as Schema, type ReportName } from '@chucar/domain';
import { withStatementTimeLimit } from '@chucar/platform';
import { loadReporterConfig } from '../config.ts';
import { renderReport } from '../render/render.ts';
import { openReplica, runnerSettings } from '../reporter-database.ts';
import * as queries from '../reports/report-queries.ts';
import { ReportRunner } from '../reports/report-runner.ts';
import { resolveScope, type ReportScope } from '../reports/scope.ts';

const [database, from, to, runsText] = process.argv.slice(2);
if (!database || !from || !to) {
  console.error('usage: compare-with-raw.ts <database> <from> <to> [runs]');
  process.exit(2);
}
const runs = Number(runsText ?? 3);
const TIME_LIMIT_S = 590;

/** The statements each report runs, in compute-report.ts's order. */
function statementsOf(name: ReportName, db: Kysely<Schema>, scope: ReportScope, asOf: Date): Compilable<unknown>[] {
  switch (name) {
    case 'volume':
      return [queries.volumeByDay(db, scope)];
    case 'conversion':
      return [queries.conversionByDay(db, scope, asOf)];
    case 'responsiveness':
      return [queries.firstQuotes(db, scope)];
    case 'prices':
      return [queries.quotedPrices(db, scope, 'month'), queries.trimNames(db)];
    case 'dealers':
      return [queries.requestsByDayAndRegion(db, scope), queries.dealerQuotes(db, scope, 'month'), queries.dealerDirectory(db)];
    case 'media':
      return [queries.uploads(db, scope), queries.incidents(db, scope)];
  }
}

/** Every row of `sql` streamed over a plain mysql2 connection and dropped: the floor any report pays. */
async function streamRaw(connection: Connection, sql: string, parameters: readonly unknown[]): Promise<number> {
  let rows = 0;
  for await (const row of connection.query(sql, [...parameters]).stream({ objectMode: true })) {
    void row;
    rows += 1;
  }
  return rows;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

const config = loadReporterConfig({ ...process.env, REPORTER_DB_NAME: database, REPORTER_DB_TIMEOUT_MS: '600000', REPORTER_STATEMENT_TIME_LIMIT_S: String(TIME_LIMIT_S) });
const replica = openReplica(config);
const raw = createConnection({ host: config.REPORTER_DB_HOST, port: config.REPORTER_DB_PORT, user: config.REPORTER_DB_USER, password: config.REPORTER_DB_PASSWORD, database, timezone: 'Z', supportBigNumbers: true, decimalNumbers: true });
try {
  const runner = new ReportRunner(replica, runnerSettings(config), pino({ level: 'silent' }));
  for (const name of REPORT_NAMES) {
    const reportMs: number[] = [];
    const rawMs: number[] = [];
    const reportCpuMs: number[] = [];
    const rawCpuMs: number[] = [];
    let rowsRead = 0;
    let resultRows = 0;
    for (let run = 0; run < runs; run++) {
      // Alternating, so a noisy moment on the machine hits both sides alike.
      let started = performance.now();
      let cpuBefore = cpuMs();
      const result = await runner.run(name, { from, to, granularity: 'month' });
      for await (const chunk of renderReport(result, 'csv', { bom: true })) void chunk;
      reportMs.push(performance.now() - started);
      reportCpuMs.push(cpuMs() - cpuBefore);
      resultRows = result.rows.count;

      const scope = await resolveScope(replica.db, result.header.params);
      started = performance.now();
      cpuBefore = cpuMs();
      rowsRead = 0;
      for (const statement of statementsOf(name, replica.db, scope, new Date(result.header.dataAsOf))) {
        const compiled = statement.compile();
        rowsRead += await streamRaw(raw, withStatementTimeLimit(compiled.sql, TIME_LIMIT_S), compiled.parameters);
      }
      rawMs.push(performance.now() - started);
      rawCpuMs.push(cpuMs() - cpuBefore);
    }
    console.log(
      JSON.stringify({ report: name, reportMs: median(reportMs), rawMs: median(rawMs), reportCpuMs: median(reportCpuMs), rawCpuMs: median(rawCpuMs), rowsRead, resultRows, reportRunsMs: reportMs, rawRunsMs: rawMs }),
    );
  }
} finally {
  await raw.promise().end();
  await replica.close();
}
