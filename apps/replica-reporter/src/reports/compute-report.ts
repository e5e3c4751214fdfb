import type { Compilable, Kysely } from 'kysely';
import type { Database } from '@chucar/platform';
import {
  DealersAggregator,
  MediaAggregator,
  PricesAggregator,
  ResponsivenessAggregator,
  aggregateConversion,
  aggregateVolume,
  type Database as Schema,
  type DealerInfo,
  type RegionCode,
  type ReportName,
  type ReportParams,
  type ReportRow,
  type StreamingAggregator,
} from '@chucar/domain';
import * as queries from './report-queries.ts';
import type { ReportScope } from './scope.ts';
import { streamWithTimeLimit } from './stream-query.ts';

export type ComputeContext = {
  database: Database<Schema>;
  db: Kysely<Schema>;
  params: ReportParams;
  scope: ReportScope;
  /** The data's own "now" (the replicated heartbeat): what is overdue or 24 h old is judged against it. */
  asOf: Date;
  timeLimitS: number;
  /** Called with the rows read so far, now and then. */
  onProgress?: ((rowsRead: number) => void) | undefined;
  /** Aborted when the report's reader has gone: the running statement is stopped on the replica. */
  signal?: AbortSignal | undefined;
};

const PROGRESS_EVERY_ROWS = 50_000;

/** Reads a query's rows off the replica in batches, counting them for the progress line. */
function reader(context: ComputeContext) {
  let rowsRead = 0;
  let reported = 0;
  return async function* read<Row>(query: Compilable<Row>): AsyncGenerator<Row[]> {
    for await (const batch of streamWithTimeLimit<Row>(context.database, query, context.timeLimitS, context.signal)) {
      rowsRead += batch.length;
      if (rowsRead - reported >= PROGRESS_EVERY_ROWS) {
        reported = rowsRead;
        context.onProgress?.(rowsRead);
      }
      yield batch;
    }
  };
}

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

/** Folds a query's batches and hands on each period's rows as the aggregator completes it. */
async function* streamed<Record>(batches: AsyncIterable<Record[]>, aggregator: StreamingAggregator, add: (record: Record) => void): AsyncGenerator<ReportRow[]> {
  for await (const batch of batches) {
    for (const record of batch) add(record);
    const completed = aggregator.takeCompleted();
    if (completed.length > 0) yield completed;
  }
  yield aggregator.finish();
}

/**
 * Runs one report's SQL on the replica and folds the streamed rows with the domain's aggregators,
 * yielding the report's rows a period at a time. The large reads come sorted by period (and by
 * group within it), so neither the values behind a median nor the finished rows pile up.
 */
export async function* computeReport(name: ReportName, context: ComputeContext): AsyncGenerator<ReportRow[]> {
  const { db, params, scope } = context;
  const read = reader(context);
  switch (name) {
    case 'volume':
      // One row per Korean day: small whatever the table's size.
      yield aggregateVolume(params, await collect(read(queries.volumeByDay(db, scope))));
      return;
    case 'conversion':
      yield aggregateConversion(params, await collect(read(queries.conversionByDay(db, scope, context.asOf))));
      return;
    case 'responsiveness': {
      const aggregator = new ResponsivenessAggregator(params, context.asOf);
      yield* streamed(read(queries.firstQuotes(db, scope)), aggregator, (request) => aggregator.add(request));
      return;
    }
    case 'prices': {
      const names = new Map<number, { maker: string; model: string; trim: string }>();
      for (const trim of await collect(read(queries.trimNames(db)))) names.set(trim.trimId, { maker: trim.maker, model: trim.model, trim: trim.trim });
      const aggregator = new PricesAggregator(params, names);
      yield* streamed(read(queries.quotedPrices(db, scope, params.granularity)), aggregator, (quote) => aggregator.add(quote));
      return;
    }
    case 'dealers': {
      const dealers = new Map<number, DealerInfo & { regions: RegionCode[] }>();
      for (const row of await collect(read(queries.dealerDirectory(db)))) {
        let dealer = dealers.get(row.dealerId);
        if (!dealer) dealers.set(row.dealerId, (dealer = { name: row.name, regions: [] }));
        // Only active dealers are expected to answer; others appear only if they quoted.
        if (row.region !== null && row.status === 'active') dealer.regions.push(row.region);
      }
      const aggregator = new DealersAggregator(params, dealers);
      for (const day of await collect(read(queries.requestsByDayAndRegion(db, scope)))) aggregator.addRegionDay(day);
      yield* streamed(read(queries.dealerQuotes(db, scope, params.granularity)), aggregator, (quote) =>
        aggregator.addQuote({ dealerId: quote.dealerId, requestCreatedAt: quote.requestCreatedAt, quotedAt: quote.quotedAt, accepted: quote.status === 'accepted' }),
      );
      return;
    }
    case 'media': {
      const aggregator = new MediaAggregator(params);
      // Incidents first (few): a period's row is complete once its uploads have passed.
      for await (const batch of read(queries.incidents(db, scope))) for (const incident of batch) aggregator.addIncident(incident);
      yield* streamed(read(queries.uploads(db, scope)), aggregator, (upload) => aggregator.add(upload));
      return;
    }
  }
}
