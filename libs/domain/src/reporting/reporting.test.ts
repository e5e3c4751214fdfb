import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import {
  DealersAggregator,
  MediaAggregator,
  PeriodWalk,
  PricesAggregator,
  ResponsivenessAggregator,
  aggregateConversion,
  aggregateVolume,
  kstDayOf,
  kstRangeInstants,
  parseCalendarDate,
  parseReportParams,
  percentileOfSorted,
  percentileBySelection,
  ValueCollector,
  periodOf,
  periodsInRange,
  reportDefinition,
  type ReportParams,
} from './index.ts';

const params = (overrides: Partial<ReportParams> = {}): ReportParams => ({ from: '2026-11-02', to: '2026-11-15', granularity: 'week', filters: {}, ...overrides });

describe('periods in Korea’s time zone', () => {
  it('puts 15:00 UTC on the next Korean day', () => {
    expect(kstDayOf(new Date('2026-11-01T14:59:59.999Z'))).toBe('2026-11-01');
    expect(kstDayOf(new Date('2026-11-01T15:00:00.000Z'))).toBe('2026-11-02');
    expect(kstRangeInstants('2026-11-02', '2026-11-03')).toEqual({ start: new Date('2026-11-01T15:00:00Z'), end: new Date('2026-11-03T15:00:00Z') });
  });

  it('weeks start on Monday, months by calendar', () => {
    expect(periodOf('2026-11-01', 'week')).toBe('2026-10-26'); // a Sunday belongs to the week before
    expect(periodOf('2026-11-02', 'week')).toBe('2026-11-02');
    expect(periodOf('2026-11-08', 'week')).toBe('2026-11-02');
    expect(periodOf('2026-11-30', 'month')).toBe('2026-11');
    expect(periodsInRange('2026-10-31', '2026-11-09', 'week')).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);
    expect(periodsInRange('2026-12-31', '2027-01-01', 'day')).toEqual(['2026-12-31', '2027-01-01']);
  });

  it('accepts only real calendar dates', () => {
    expect(parseCalendarDate('2028-02-29')).toBe('2028-02-29');
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00', '', 20260101]) expect(parseCalendarDate(bad)).toBeNull();
  });
});

describe('percentiles (PERCENTILE.INC)', () => {
  it('interpolates between ranks', () => {
    // n = 4, p50 at rank 1.5 → 20 + 0.5 × 10 = 25; p90 at rank 2.7 → 30 + 0.7 × 70 = 79
    expect(percentileOfSorted([10, 20, 30, 100], 0.5)).toBe(25);
    expect(percentileOfSorted([10, 20, 30, 100], 0.9)).toBeCloseTo(79, 10);
    expect(percentileOfSorted([7], 0.95)).toBe(7);
    expect(percentileOfSorted([], 0.5)).toBeNull();
  });

  it('gives by selection, in any order, exactly what the sorted values give', () => {
    const samples = [
      [100, 10, 30, 20],
      [5, 5, 5, 5, 5, 5],
      [3, 1, 2, 3, 1, 2, 3, 1, 2, 1],
      Array.from({ length: 1000 }, (_, index) => index),
      Array.from({ length: 1000 }, (_, index) => 1000 - index),
      Array.from({ length: 999 }, (_, index) => (index * 7919) % 101),
      Array.from({ length: 2500 }, (_, index) => Math.sin(index) * 1e6),
    ];
    for (const sample of samples) {
      const sorted = Float64Array.from(sample).sort();
      for (const p of [0, 0.01, 0.5, 0.9, 0.95, 0.999, 1]) expect(percentileBySelection(Float64Array.from(sample), p)).toBe(percentileOfSorted(sorted, p));
      const collector = new ValueCollector();
      for (const value of sample) collector.push(value);
      expect(collector.percentiles(0.5, 0.95)).toEqual([percentileOfSorted(sorted, 0.5), percentileOfSorted(sorted, 0.95)]);
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0, max: 1, noNaN: true }), (integers, p) => {
        const values = integers.map((integer) => integer / 8);
        return percentileBySelection(Float64Array.from(values), p) === percentileOfSorted(Float64Array.from(values).sort(), p);
      }),
    );
    expect(percentileBySelection(new Float64Array(0), 0.5)).toBeNull();
    expect(() => percentileBySelection(Float64Array.of(1), 1.5)).toThrow(RangeError);
  });
});

describe('report parameters', () => {
  it('names every bad input at once', () => {
    const error = (() => {
      try {
        parseReportParams(reportDefinition('volume'), { from: '2026-02-30', to: '2026-01-01', granularity: 'year', region: 'mars', maker: 'Bad Code' });
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error('expected a ValidationError');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((issue) => issue.field)).toEqual(['from', 'granularity', 'region', 'maker']);
  });

  it('refuses a range backwards or longer than two years, and filters the report does not take', () => {
    expect(() => parseReportParams(reportDefinition('volume'), { from: '2026-02-02', to: '2026-02-01' })).toThrow(/to: must not be before from/);
    expect(() => parseReportParams(reportDefinition('volume'), { from: '2024-01-01', to: '2026-01-02' })).toThrow(/at most 731 days/);
    expect(() => parseReportParams(reportDefinition('media'), { from: '2026-01-01', to: '2026-01-02', region: 'seoul' })).toThrow(/takes no region filter/);
    expect(parseReportParams(reportDefinition('prices'), { from: '2026-01-01', to: '2026-01-02', region: 'seoul', maker: 'hyundai' })).toEqual({
      from: '2026-01-01',
      to: '2026-01-02',
      granularity: 'day',
      filters: { region: 'seoul', maker: 'hyundai' },
    });
  });
});

describe('aggregations (figures by hand)', () => {
  it('volume rolls days into weeks and lists empty weeks', () => {
    const rows = aggregateVolume(params(), [
      { day: '2026-11-02', requests: 2, quotes: 3 },
      { day: '2026-11-08', requests: 1, quotes: 0 },
    ]);
    // week of 11-02: 3 requests, 3 quotes → 1.00; week of 11-09: nothing → quotes per request undefined
    expect(rows).toEqual([
      { period: '2026-11-02 주', requests: 3, quotes: 3, quotesPerRequest: 1 },
      { period: '2026-11-09 주', requests: 0, quotes: 0, quotesPerRequest: null },
    ]);
  });

  it('conversion rates are over all requests of the period', () => {
    const [row] = aggregateConversion(params({ granularity: 'month', from: '2026-11-01', to: '2026-11-30' }), [
      { day: '2026-11-03', requests: 3, accepted: 1, cancelled: 1, expired: 0 },
      { day: '2026-11-20', requests: 3, accepted: 1, cancelled: 0, expired: 1 },
    ]);
    // 6 requests: 2 accepted (33.3 %), 1 cancelled (16.7 %), 1 expired (16.7 %), 2 open
    expect(row).toEqual({ period: '2026-11', requests: 6, accepted: 2, cancelled: 1, expired: 1, open: 2, acceptancePercent: 33.3, cancellationPercent: 16.7, expiryPercent: 16.7 });
  });

  it('responsiveness: p50/p90 of minutes to first quote, and requests unanswered after 24 h', () => {
    const asOf = new Date('2026-11-05T00:00:00Z');
    const aggregator = new ResponsivenessAggregator(params({ from: '2026-11-02', to: '2026-11-02', granularity: 'day' }), asOf);
    const created = new Date('2026-11-02T01:00:00Z'); // 10:00 KST on 11-02
    const at = (minutes: number) => new Date(created.getTime() + minutes * 60_000);
    aggregator.add({ createdAt: created, firstQuoteAt: at(10) });
    aggregator.add({ createdAt: created, firstQuoteAt: at(30) });
    aggregator.add({ createdAt: created, firstQuoteAt: at(60) });
    aggregator.add({ createdAt: created, firstQuoteAt: at(25 * 60) }); // answered, but after 24 h
    aggregator.add({ createdAt: created, firstQuoteAt: null });
    // minutes sorted 10, 30, 60, 1500: p50 at rank 1.5 = 45; p90 at rank 2.7 = 60 + 0.7 × 1440 = 1068
    expect(aggregator.finish()).toEqual([
      { period: '2026-11-02', requests: 5, answered: 4, p50FirstQuoteMinutes: 45, p90FirstQuoteMinutes: 1068, requestsOlderThan24h: 5, noQuoteIn24h: 2, noQuoteIn24hPercent: 40 },
    ]);
  });

  it('prices: average and median discount by car and region', () => {
    const aggregator = new PricesAggregator(params({ granularity: 'month', from: '2026-11-01', to: '2026-11-30' }), new Map([[7, { maker: '현대', model: '그랜저', trim: '프리미엄' }]]));
    const createdAt = new Date('2026-11-10T00:00:00Z');
    for (const discountKrw of [1_000_000, 2_000_000, 6_000_000]) aggregator.add({ requestCreatedAt: createdAt, trimId: 7, region: 'seoul', listPriceKrw: 40_000_000, discountKrw });
    const rows = aggregator.finish();
    // mean 3,000,000 (7.5 %), median 2,000,000 (5 %)
    expect(rows).toEqual([{ period: '2026-11', maker: '현대', model: '그랜저', trim: '프리미엄', region: '서울특별시', quotes: 3, averageDiscountKrw: 3_000_000, medianDiscountKrw: 2_000_000, averageDiscountPercent: 7.5, medianDiscountPercent: 5 }]);
  });

  it('dealers: response rate over the requests of their regions, ranked', () => {
    const directory = new Map([[1, { name: 'A모터스', regions: ['seoul' as const] }], [2, { name: 'B자동차', regions: ['seoul' as const, 'busan' as const] }], [3, { name: 'C오토', regions: ['jeju' as const] }]]);
    const aggregator = new DealersAggregator(params({ granularity: 'month', from: '2026-11-01', to: '2026-11-30' }), directory);
    aggregator.addRegionDay({ day: '2026-11-02', region: 'seoul', requests: 3 });
    aggregator.addRegionDay({ day: '2026-11-03', region: 'busan', requests: 1 });
    const requestAt = new Date('2026-11-02T00:00:00Z');
    const quote = (dealerId: number, minutes: number, accepted = false) => aggregator.addQuote({ dealerId, requestCreatedAt: requestAt, quotedAt: new Date(requestAt.getTime() + minutes * 60_000), accepted });
    quote(1, 10, true);
    quote(1, 30);
    quote(2, 5);
    const rows = aggregator.finish();
    // dealer 1: 2 of 3 seoul requests = 66.7 %, median 20 min, 1 win of 2 = 50 %; dealer 2: 1 of 4 = 25 %; dealer 3 has nothing
    expect(rows).toEqual([
      { period: '2026-11', rank: 1, dealerId: 1, dealer: 'A모터스', eligibleRequests: 3, quotes: 2, responsePercent: 66.7, medianResponseMinutes: 20, wins: 1, winPercent: 50 },
      { period: '2026-11', rank: 2, dealerId: 2, dealer: 'B자동차', eligibleRequests: 4, quotes: 1, responsePercent: 25, medianResponseMinutes: 5, wins: 0, winPercent: 0 },
    ]);
  });

  it('media: uploads by status, time to stored, retries', () => {
    const aggregator = new MediaAggregator(params({ from: '2026-11-02', to: '2026-11-02', granularity: 'day' }));
    const createdAt = new Date('2026-11-02T03:00:00Z');
    const after = (seconds: number) => new Date(createdAt.getTime() + seconds * 1000);
    aggregator.addIncident({ detectedAt: after(100), kind: 'missing', outcome: 'repaired', repairedFrom: 'mirror' });
    aggregator.addIncident({ detectedAt: after(100), kind: 'changed', outcome: 'repaired', repairedFrom: 'spool' });
    aggregator.addIncident({ detectedAt: after(100), kind: 'missing', outcome: 'unrepairable', repairedFrom: null });
    aggregator.addIncident({ detectedAt: new Date('2026-11-02T15:00:00Z'), kind: 'size', outcome: 'open', repairedFrom: null }); // 11-03 in Korea: outside
    aggregator.add({ createdAt, status: 'stored', storedAt: after(2), storeAttempts: 1 });
    aggregator.add({ createdAt, status: 'stored', storedAt: after(4), storeAttempts: 3 });
    aggregator.add({ createdAt, status: 'deleted', storedAt: after(10), storeAttempts: 2 });
    aggregator.add({ createdAt, status: 'spooled', storedAt: null, storeAttempts: 0 });
    // seconds 2, 4, 10: p50 = 4, p95 at rank 1.9 = 4 + 0.9 × 6 = 9.4; retried 2 uploads, 2 + 1 extra attempts
    expect(aggregator.finish()).toEqual([
      {
        period: '2026-11-02', uploads: 4, spooled: 1, stored: 2, failed: 0, deleted: 1, lost: 0, p50StoreSeconds: 4, p95StoreSeconds: 9.4, retriedUploads: 2, extraStoreAttempts: 3,
        incidentsMissing: 2, incidentsChanged: 1, incidentsSize: 0, repairedFromSpool: 1, repairedFromPrimary: 0, repairedFromMirror: 1, repairedByRegenerating: 0, incidentsOpen: 0, incidentsUnrepairable: 1,
      },
    ]);
  });

  it('media: incidents must come before uploads', () => {
    const aggregator = new MediaAggregator(params({ from: '2026-11-02', to: '2026-11-02', granularity: 'day' }));
    aggregator.add({ createdAt: new Date('2026-11-02T03:00:00Z'), status: 'stored', storedAt: null, storeAttempts: 1 });
    expect(() => aggregator.addIncident({ detectedAt: new Date('2026-11-02T03:00:00Z'), kind: 'missing', outcome: 'open', repairedFrom: null })).toThrow(/before the first upload/);
  });
});

describe('streaming aggregation (rows sorted by the SQL, one period held at a time)', () => {
  const at = (iso: string) => new Date(iso);

  it('a period walk closes every period in order, empty ones too, and refuses to go back', () => {
    const closed: string[] = [];
    const walk = new PeriodWalk(['a', 'b', 'c', 'd'], 'rows', (period) => closed.push(period));
    expect(walk.enter('b')).toBe(true);
    expect(closed).toEqual(['a']);
    expect(walk.enter('b')).toBe(true);
    expect(walk.enter('x')).toBe(false);
    expect(walk.enter('d')).toBe(true);
    expect(closed).toEqual(['a', 'b', 'c']);
    expect(() => walk.enter('c')).toThrow(/rows arrived out of period order: c after d/);
    walk.finish();
    expect(closed).toEqual(['a', 'b', 'c', 'd']);
  });

  it('responsiveness hands on each day once the next begins, and lists a day without requests', () => {
    const aggregator = new ResponsivenessAggregator(params({ from: '2026-11-02', to: '2026-11-04', granularity: 'day' }), at('2026-11-10T00:00:00Z'));
    aggregator.add({ createdAt: at('2026-11-02T01:00:00Z'), firstQuoteAt: at('2026-11-02T01:20:00Z') });
    expect(aggregator.takeCompleted()).toEqual([]);
    aggregator.add({ createdAt: at('2026-11-04T01:00:00Z'), firstQuoteAt: null });
    // 11-02 closed with its one request (20 min); 11-03 had none
    expect(aggregator.takeCompleted().map((row) => [row['period'], row['requests'], row['p50FirstQuoteMinutes']])).toEqual([['2026-11-02', 1, 20], ['2026-11-03', 0, null]]);
    expect(aggregator.finish().map((row) => [row['period'], row['requests'], row['answered'], row['noQuoteIn24h']])).toEqual([['2026-11-04', 1, 0, 1]]);
  });

  it('prices: groups of a period sort in Korean order when the period ends, each median from its own values', () => {
    const names = new Map([
      [1, { maker: '현대', model: '아반떼', trim: '스마트' }],
      [2, { maker: '기아', model: 'K5', trim: '트렌디' }],
    ]);
    const aggregator = new PricesAggregator(params({ granularity: 'month', from: '2026-10-01', to: '2026-11-30' }), names);
    const quote = (iso: string, trimId: number, region: 'seoul' | 'busan', discountKrw: number) => aggregator.add({ requestCreatedAt: at(iso), trimId, region, listPriceKrw: 20_000_000, discountKrw });
    // October, sorted by trim then region as the SQL sends them: trim 1 in busan, trim 1 in seoul, trim 2 in seoul
    quote('2026-10-05T00:00:00Z', 1, 'busan', 1_000_000);
    quote('2026-10-06T00:00:00Z', 1, 'busan', 3_000_000);
    quote('2026-10-05T00:00:00Z', 1, 'seoul', 400_000);
    quote('2026-10-07T00:00:00Z', 2, 'seoul', 2_000_000);
    expect(aggregator.takeCompleted()).toEqual([]);
    quote('2026-11-03T00:00:00Z', 1, 'seoul', 500_000);
    // 기아 before 현대; within 아반떼, 부산광역시 before 서울특별시. busan: median of 1 M and 3 M = 2 M (10 %)
    expect(aggregator.takeCompleted().map((row) => [row['maker'], row['region'], row['quotes'], row['medianDiscountKrw'], row['medianDiscountPercent']])).toEqual([
      ['기아', '서울특별시', 1, 2_000_000, 10],
      ['현대', '부산광역시', 2, 2_000_000, 10],
      ['현대', '서울특별시', 1, 400_000, 2],
    ]);
    expect(aggregator.finish().map((row) => [row['period'], row['medianDiscountKrw']])).toEqual([['2026-11', 500_000]]);
  });

  it('prices: a group that comes back within its period is an error, not a split figure', () => {
    const aggregator = new PricesAggregator(params({ granularity: 'month', from: '2026-11-01', to: '2026-11-30' }), new Map());
    const quote = (trimId: number) => aggregator.add({ requestCreatedAt: at('2026-11-03T00:00:00Z'), trimId, region: 'seoul', listPriceKrw: 20_000_000, discountKrw: 1 });
    quote(1);
    quote(2);
    expect(() => quote(1)).toThrow(/out of order: trim 1 in seoul came back within 2026-11/);
  });

  it('dealers: a period with requests but no quotes still ranks the dealers who could have answered', () => {
    const directory = new Map([[1, { name: 'A모터스', regions: ['seoul' as const] }]]);
    const aggregator = new DealersAggregator(params({ granularity: 'day', from: '2026-11-02', to: '2026-11-03' }), directory);
    aggregator.addRegionDay({ day: '2026-11-02', region: 'seoul', requests: 2 });
    aggregator.addRegionDay({ day: '2026-11-03', region: 'seoul', requests: 1 });
    aggregator.addQuote({ dealerId: 1, requestCreatedAt: at('2026-11-02T16:00:00Z'), quotedAt: at('2026-11-02T16:30:00Z'), accepted: true }); // 11-03 in Korea
    expect(aggregator.takeCompleted()).toEqual([
      { period: '2026-11-02', rank: 1, dealerId: 1, dealer: 'A모터스', eligibleRequests: 2, quotes: 0, responsePercent: 0, medianResponseMinutes: null, wins: 0, winPercent: null },
    ]);
    expect(aggregator.finish()).toEqual([
      { period: '2026-11-03', rank: 1, dealerId: 1, dealer: 'A모터스', eligibleRequests: 1, quotes: 1, responsePercent: 100, medianResponseMinutes: 30, wins: 1, winPercent: 100 },
    ]);
    expect(() => aggregator.addRegionDay({ day: '2026-11-03', region: 'seoul', requests: 1 })).toThrow(/before the first dealer quote/);
  });

  it('dealers: a dealer who comes back within a period is an error', () => {
    const aggregator = new DealersAggregator(params({ granularity: 'month', from: '2026-11-01', to: '2026-11-30' }), new Map());
    const quote = (dealerId: number) => aggregator.addQuote({ dealerId, requestCreatedAt: at('2026-11-03T00:00:00Z'), quotedAt: at('2026-11-03T01:00:00Z'), accepted: false });
    quote(1);
    quote(2);
    expect(() => quote(1)).toThrow(/dealer 1 came back within 2026-11/);
  });
});
