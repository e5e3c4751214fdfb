import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Database } from '@chucar/platform';
import type { Database as Schema, ReportRow } from '@chucar/domain';
import { openReplica, runnerSettings } from '../reporter-database.ts';
import { writeReportDataset, type ReportDataset } from '../testing/report-dataset.ts';
import { reporterTestConfig } from '../testing/reporter-test-config.ts';
import { ReportRunner } from './report-runner.ts';
import { allRows } from './report-rows.ts';

/**
 * Every figure of every report against the small dataset of testing/report-dataset.ts, worked out
 * by hand below. Range: Monday 2024-02-26 to Sunday 2024-03-10 in Korea, two ISO weeks.
 */
describe('report figures from the replica (real servers)', () => {
  let dataset: ReportDataset;
  let replica: Database<Schema>;
  let runner: ReportRunner;
  const range = { from: '2024-02-26', to: '2024-03-10' };
  const run = async (name: string, extra: Record<string, string> = {}) => allRows((await runner.run(name, { ...range, granularity: 'week', ...extra })).rows);

  beforeAll(async () => {
    dataset = await writeReportDataset();
    const config = reporterTestConfig();
    replica = openReplica(config);
    runner = new ReportRunner(replica, runnerSettings(config), pino({ level: 'silent' }));
  });
  afterAll(() => replica?.close());

  it('volume: requests by Korean day of creation, their quotes, quotes per request', async () => {
    // Week 1: R1 (00:00 KST 02-26, 2 quotes), R2 (1, withdrawn counts), R3 (2) → 3 requests, 5 quotes, 1.67.
    // Week 2: R4 (0), R5 (23:59:59 KST 03-10, 1) → 2, 1, 0.5. The requests a millisecond outside in Korean time are not counted.
    expect(await run('volume')).toEqual([
      { period: '2024-02-26 주', requests: 3, quotes: 5, quotesPerRequest: 1.67 },
      { period: '2024-03-04 주', requests: 2, quotes: 1, quotesPerRequest: 0.5 },
    ]);
    const days = await run('volume', { granularity: 'day' });
    expect(days).toHaveLength(14);
    expect(days[0]).toEqual({ period: '2024-02-26', requests: 1, quotes: 2, quotesPerRequest: 2 });
    expect(days[13]).toEqual({ period: '2024-03-10', requests: 1, quotes: 1, quotesPerRequest: 1 });
    expect(days[1]).toEqual({ period: '2024-02-27', requests: 1, quotes: 1, quotesPerRequest: 1 });
    // Months split at 03-01: February has R1-R3, March R4-R5.
    expect(await run('volume', { granularity: 'month' })).toEqual([
      { period: '2024-02', requests: 3, quotes: 5, quotesPerRequest: 1.67 },
      { period: '2024-03', requests: 2, quotes: 1, quotesPerRequest: 0.5 },
    ]);
  });

  it('volume with filters: region, maker, model', async () => {
    // busan: R3 (2 quotes) in week 1, R5 (1) in week 2.
    expect(await run('volume', { region: 'busan' })).toEqual([
      { period: '2024-02-26 주', requests: 1, quotes: 2, quotesPerRequest: 2 },
      { period: '2024-03-04 주', requests: 1, quotes: 1, quotesPerRequest: 1 },
    ]);
    // The second car's maker and model: R3 and R4.
    const { t2 } = dataset.cars;
    const secondCar = [
      { period: '2024-02-26 주', requests: 1, quotes: 2, quotesPerRequest: 2 },
      { period: '2024-03-04 주', requests: 1, quotes: 0, quotesPerRequest: 0 },
    ];
    expect(await run('volume', { maker: t2.makerCode })).toEqual(secondCar);
    expect(await run('volume', { maker: t2.makerCode, model: t2.modelCode })).toEqual(secondCar);
    // seoul and the first car: R1, R2 only.
    expect(await run('volume', { region: 'seoul', maker: dataset.cars.t1.makerCode })).toEqual([
      { period: '2024-02-26 주', requests: 2, quotes: 3, quotesPerRequest: 1.5 },
      { period: '2024-03-04 주', requests: 0, quotes: 0, quotesPerRequest: null },
    ]);
    await expect(run('volume', { maker: 'no-such-maker' })).rejects.toThrow(/no maker has the code "no-such-maker"/);
  });

  it('responsiveness: minutes to first quote p50/p90, no quote within 24 h', async () => {
    // Week 1 first quotes: R1 30 min, R2 25 h = 1500 min (withdrawn, still an answer), R3 10 min.
    // Sorted 10, 30, 1500: p50 = 30; p90 at rank 1.8 = 30 + 0.8 × 1470 = 1206. R2 waited over 24 h: 1 of 3 = 33.3 %.
    // Week 2: R4 never answered, R5 after 60 min: p50 = p90 = 60; 1 of 2 without a quote in 24 h = 50 %.
    expect(await run('responsiveness')).toEqual([
      { period: '2024-02-26 주', requests: 3, answered: 3, p50FirstQuoteMinutes: 30, p90FirstQuoteMinutes: 1206, requestsOlderThan24h: 3, noQuoteIn24h: 1, noQuoteIn24hPercent: 33.3 },
      { period: '2024-03-04 주', requests: 2, answered: 1, p50FirstQuoteMinutes: 60, p90FirstQuoteMinutes: 60, requestsOlderThan24h: 2, noQuoteIn24h: 1, noQuoteIn24hPercent: 50 },
    ]);
  });

  it('conversion: accepted, cancelled, expired (an open request past expiry included), over all requests', async () => {
    // Week 1: R1 accepted, R2 cancelled, R3 open but past its expiry → 1/1/1 of 3 = 33.3 % each.
    // Week 2: R4 expired, R5 open → 0 %, 0 %, 50 %.
    expect(await run('conversion')).toEqual([
      { period: '2024-02-26 주', requests: 3, accepted: 1, cancelled: 1, expired: 1, open: 0, acceptancePercent: 33.3, cancellationPercent: 33.3, expiryPercent: 33.3 },
      { period: '2024-03-04 주', requests: 2, accepted: 0, cancelled: 0, expired: 1, open: 1, acceptancePercent: 0, cancellationPercent: 0, expiryPercent: 50 },
    ]);
  });

  it('prices: average and median discount by car and region, withdrawn quotes left out', async () => {
    const { t1, t2 } = dataset.cars;
    // February: first car in Seoul, 2,000,000 and 1,000,000 off 40,000,000 (5 % and 2.5 %) → 1,500,000, 3.75 %;
    // second car in Busan, 3,000,000 and 1,500,000 off 30,000,000 (10 %, 5 %) → 2,250,000, 7.5 %. R2's withdrawn quote is out.
    // March: first car in Busan, 4,000,000 off 40,000,000 = 10 %.
    const rows = await run('prices', { granularity: 'month' });
    const car = (t: typeof t1) => ({ maker: t.makerName, model: t.modelName, trim: t.trimName });
    const expected: ReportRow[] = [
      { period: '2024-02', ...car(t1), region: '서울특별시', quotes: 2, averageDiscountKrw: 1_500_000, medianDiscountKrw: 1_500_000, averageDiscountPercent: 3.75, medianDiscountPercent: 3.75 },
      { period: '2024-02', ...car(t2), region: '부산광역시', quotes: 2, averageDiscountKrw: 2_250_000, medianDiscountKrw: 2_250_000, averageDiscountPercent: 7.5, medianDiscountPercent: 7.5 },
      { period: '2024-03', ...car(t1), region: '부산광역시', quotes: 1, averageDiscountKrw: 4_000_000, medianDiscountKrw: 4_000_000, averageDiscountPercent: 10, medianDiscountPercent: 10 },
    ];
    expect(rows).toEqual(expect.arrayContaining(expected));
    expect(rows).toHaveLength(3);
  });

  it('dealers: response rate over the requests of their regions, response time, win rate, ranked', async () => {
    const { d1, d2, d3 } = dataset.dealers;
    const rows = await run('dealers', { granularity: 'month' });
    const february = rows.filter((row) => row['period'] === '2024-02');
    // February requests: Seoul R1, R2; Busan R3.
    // d3 (Busan): 1 of 1 = 100 %, 10 min, no win. d2 (Seoul + Busan): 3 quotes of 3 = 100 %, median of 90, 1500, 20 = 90 min, no win.
    // d1 (Seoul): 1 of 2 = 50 %, 30 min, 1 win of 1 = 100 %. Equal response rates and wins: the quicker d3 ranks first.
    expect(february.slice(0, 3)).toEqual([
      { period: '2024-02', rank: 1, dealerId: d3, dealer: dataset.dealerNames.d3, eligibleRequests: 1, quotes: 1, responsePercent: 100, medianResponseMinutes: 10, wins: 0, winPercent: 0 },
      { period: '2024-02', rank: 2, dealerId: d2, dealer: dataset.dealerNames.d2, eligibleRequests: 3, quotes: 3, responsePercent: 100, medianResponseMinutes: 90, wins: 0, winPercent: 0 },
      { period: '2024-02', rank: 3, dealerId: d1, dealer: dataset.dealerNames.d1, eligibleRequests: 2, quotes: 1, responsePercent: 50, medianResponseMinutes: 30, wins: 1, winPercent: 100 },
    ]);
    // March: R4 in Seoul, R5 in Busan. d3 answered R5 after 60 min; d1 and d2 answered nothing (other tests' dealers may tie with them at 0 %).
    const march = rows.filter((row) => row['period'] === '2024-03');
    expect(march[0]).toEqual({ period: '2024-03', rank: 1, dealerId: d3, dealer: dataset.dealerNames.d3, eligibleRequests: 1, quotes: 1, responsePercent: 100, medianResponseMinutes: 60, wins: 0, winPercent: 0 });
    expect(march.find((row) => row['dealerId'] === d2)).toMatchObject({ eligibleRequests: 2, quotes: 0, responsePercent: 0, medianResponseMinutes: null, winPercent: null });
    expect(march.find((row) => row['dealerId'] === d1)).toMatchObject({ eligibleRequests: 1, quotes: 0, responsePercent: 0 });
  });

  it('prices and dealers read their rows sorted by the same Korean periods as the domain: by day, week or month, every quote lands once', async () => {
    // The SQL sorts by its own period expression and the aggregators group by the domain's; a disagreement at a
    // Korean-day, week or month boundary (R1 at 00:00 KST, R5 at 23:59:59 KST) would throw "out of order" or split a group.
    const quotesBy = (rows: ReportRow[], key: (row: ReportRow) => string) => {
      const totals = new Map<string, number>();
      for (const row of rows) totals.set(key(row), (totals.get(key(row)) ?? 0) + Number(row['quotes']));
      return Object.fromEntries([...totals].sort());
    };
    const byCar = (row: ReportRow) => `${row['trim']} ${row['region']}`;
    const byDealer = (row: ReportRow) => String(row['dealerId']);
    const priceTotals = [];
    const dealerTotals = [];
    for (const granularity of ['day', 'week', 'month']) {
      priceTotals.push(quotesBy(await run('prices', { granularity }), byCar));
      dealerTotals.push(quotesBy(await run('dealers', { granularity }), byDealer));
    }
    expect(Object.values(priceTotals[0]!).reduce((sum, quotes) => sum + quotes, 0)).toBe(5); // six quotes in range, one withdrawn
    expect(priceTotals[1]).toEqual(priceTotals[0]);
    expect(priceTotals[2]).toEqual(priceTotals[0]);
    expect(dealerTotals[0]![String(dataset.dealers.d2)]).toBe(3);
    expect(dealerTotals[1]).toEqual(dealerTotals[0]);
    expect(dealerTotals[2]).toEqual(dealerTotals[0]);
  });

  it('media: uploads by status, seconds to stored p50/p95, retries, scrub incidents and their repair', async () => {
    // Week 1: stored after 2 s (1 attempt), stored after 4 s (3), deleted after 12 s (2), spooled → p50 4, p95 at rank 1.9 = 4 + 0.9 × 8 = 11.2;
    // 2 retried, 2 + 1 extra attempts. Incidents: missing repaired from the mirror, changed repaired from the spool.
    // Week 2: failed after 5 attempts, lost (stored after 1 s) → p50 = p95 = 1; 1 retried, 4 extra.
    // Incidents: size unrepairable, missing still open, missing repaired by making the preview again.
    expect(await run('media')).toEqual([
      {
        period: '2024-02-26 주', uploads: 4, spooled: 1, stored: 2, failed: 0, deleted: 1, lost: 0, p50StoreSeconds: 4, p95StoreSeconds: 11.2, retriedUploads: 2, extraStoreAttempts: 3,
        incidentsMissing: 1, incidentsChanged: 1, incidentsSize: 0, repairedFromSpool: 1, repairedFromPrimary: 0, repairedFromMirror: 1, repairedByRegenerating: 0, incidentsOpen: 0, incidentsUnrepairable: 0,
      },
      {
        period: '2024-03-04 주', uploads: 2, spooled: 0, stored: 0, failed: 1, deleted: 0, lost: 1, p50StoreSeconds: 1, p95StoreSeconds: 1, retriedUploads: 1, extraStoreAttempts: 4,
        incidentsMissing: 2, incidentsChanged: 0, incidentsSize: 1, repairedFromSpool: 0, repairedFromPrimary: 0, repairedFromMirror: 0, repairedByRegenerating: 1, incidentsOpen: 1, incidentsUnrepairable: 1,
      },
    ]);
    await expect(run('media', { region: 'seoul' })).rejects.toThrow(/takes no region filter/);
  });

  it('every report states when its data is from and how far the replica lags', async () => {
    const result = await runner.run('volume', range);
    expect(Date.now() - Date.parse(result.header.dataAsOf)).toBeLessThan(120_000);
    expect(result.header.replicaLagSeconds).toBeGreaterThanOrEqual(0);
    expect(result.header).toMatchObject({ report: 'volume', timeZone: 'Asia/Seoul', params: { from: range.from, to: range.to, granularity: 'day', filters: {} } });
  });
});
