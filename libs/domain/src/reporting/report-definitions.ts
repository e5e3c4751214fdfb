/**
 * What each report is: its name, Korean title, columns and charts. The reporter app runs the SQL
 * and renders; the meaning of every figure is written here once.
 */
export const REPORT_NAMES = ['volume', 'responsiveness', 'conversion', 'prices', 'dealers', 'media'] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export function isReportName(value: unknown): value is ReportName {
  return typeof value === 'string' && (REPORT_NAMES as readonly string[]).includes(value);
}

export const REPORT_FILTERS = ['region', 'maker', 'model'] as const;
export type ReportFilterName = (typeof REPORT_FILTERS)[number];

/** `percent` values are already ×100 (12.5 means 12.5 %); `krw` are whole won. */
export const COLUMN_TYPES = ['text', 'integer', 'decimal', 'percent', 'krw', 'minutes', 'seconds'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export type ReportColumn = { key: string; label: string; type: ColumnType };

/** A chart over the rows: one bar or line per series column, along the category column. */
export type ChartSpec = { title: string; kind: 'bar' | 'line'; category: string; series: readonly string[] };

export type ReportDefinition = {
  name: ReportName;
  /** Korean title, shown on every output. */
  title: string;
  /** One line in English for `--help` and `GET /reports`. */
  summary: string;
  /** How the figures are computed, for the help text and the API documentation. */
  method: string;
  filters: readonly ReportFilterName[];
  columns: readonly ReportColumn[];
  charts: readonly ChartSpec[];
};

const period: ReportColumn = { key: 'period', label: '기간', type: 'text' };
const allFilters = REPORT_FILTERS;

const definitions: Record<ReportName, ReportDefinition> = {
  volume: {
    name: 'volume',
    title: '견적 요청·견적 건수',
    summary: 'Quote requests and quotes per period; quotes per request.',
    method:
      'Requests are counted in the period (Korean time) they were created; quotes are those received by those requests, ' +
      'whenever they arrived, withdrawn ones included; quotes per request = quotes / requests.',
    filters: allFilters,
    columns: [period, { key: 'requests', label: '견적 요청', type: 'integer' }, { key: 'quotes', label: '받은 견적', type: 'integer' }, { key: 'quotesPerRequest', label: '요청당 견적', type: 'decimal' }],
    charts: [{ title: '기간별 견적 요청과 견적', kind: 'bar', category: 'period', series: ['requests', 'quotes'] }],
  },
  responsiveness: {
    name: 'responsiveness',
    title: '첫 견적까지 걸린 시간',
    summary: 'Time to first quote (p50/p90) and the share of requests with no quote after 24 hours.',
    method:
      'For each request created in the period: minutes from its creation to its first quote (withdrawn quotes count: the dealer answered). ' +
      'p50/p90 interpolate between ranks (PERCENTILE.INC) over answered requests. "No quote in 24 h" counts requests at least 24 h old ' +
      'at dataAsOf whose first quote came later than 24 h or not at all, as a share of those requests.',
    filters: allFilters,
    columns: [
      period,
      { key: 'requests', label: '견적 요청', type: 'integer' },
      { key: 'answered', label: '견적 받은 요청', type: 'integer' },
      { key: 'p50FirstQuoteMinutes', label: '첫 견적 p50(분)', type: 'minutes' },
      { key: 'p90FirstQuoteMinutes', label: '첫 견적 p90(분)', type: 'minutes' },
      { key: 'requestsOlderThan24h', label: '24시간 지난 요청', type: 'integer' },
      { key: 'noQuoteIn24h', label: '24시간 내 견적 없음', type: 'integer' },
      { key: 'noQuoteIn24hPercent', label: '24시간 내 견적 없음(%)', type: 'percent' },
    ],
    charts: [
      { title: '첫 견적까지 걸린 시간(분)', kind: 'line', category: 'period', series: ['p50FirstQuoteMinutes', 'p90FirstQuoteMinutes'] },
      { title: '24시간 내 견적 없는 요청 비율(%)', kind: 'bar', category: 'period', series: ['noQuoteIn24hPercent'] },
    ],
  },
  conversion: {
    name: 'conversion',
    title: '성사율',
    summary: 'Acceptance, cancellation and expiry rates.',
    method:
      'Requests created in the period by their status at dataAsOf: an open request past its expiry counts as expired. ' +
      'Each rate is that status over all requests of the period (still-open ones included).',
    filters: allFilters,
    columns: [
      period,
      { key: 'requests', label: '견적 요청', type: 'integer' },
      { key: 'accepted', label: '수락', type: 'integer' },
      { key: 'cancelled', label: '취소', type: 'integer' },
      { key: 'expired', label: '만료', type: 'integer' },
      { key: 'open', label: '진행 중', type: 'integer' },
      { key: 'acceptancePercent', label: '수락률(%)', type: 'percent' },
      { key: 'cancellationPercent', label: '취소율(%)', type: 'percent' },
      { key: 'expiryPercent', label: '만료율(%)', type: 'percent' },
    ],
    charts: [{ title: '기간별 수락·취소·만료율(%)', kind: 'line', category: 'period', series: ['acceptancePercent', 'cancellationPercent', 'expiryPercent'] }],
  },
  prices: {
    name: 'prices',
    title: '할인율',
    summary: 'Average and median discount against list price, by maker, model, trim and region.',
    method:
      'Quotes (all but withdrawn ones, at their latest revision) on requests created in the period. Discount = list price of the ' +
      'request (trim and options) minus the quoted price; discount % = discount / list price × 100 per quote, then averaged or ' +
      'the median taken (PERCENTILE.INC) within each period, maker, model, trim and region.',
    filters: allFilters,
    columns: [
      period,
      { key: 'maker', label: '제조사', type: 'text' },
      { key: 'model', label: '모델', type: 'text' },
      { key: 'trim', label: '트림', type: 'text' },
      { key: 'region', label: '지역', type: 'text' },
      { key: 'quotes', label: '견적 수', type: 'integer' },
      { key: 'averageDiscountKrw', label: '평균 할인(원)', type: 'krw' },
      { key: 'medianDiscountKrw', label: '중앙 할인(원)', type: 'krw' },
      { key: 'averageDiscountPercent', label: '평균 할인율(%)', type: 'percent' },
      { key: 'medianDiscountPercent', label: '중앙 할인율(%)', type: 'percent' },
    ],
    charts: [{ title: '모델별 평균 할인율(%)', kind: 'bar', category: 'model', series: ['averageDiscountPercent'] }],
  },
  dealers: {
    name: 'dealers',
    title: '딜러 순위',
    summary: 'A dealer leaderboard by response rate, response time and win rate.',
    method:
      'Per period: a dealer’s eligible requests are those created in the period in the regions the dealer serves today; ' +
      'response rate = the dealer’s quotes on requests of the period / eligible requests; response time = median minutes ' +
      'from request to the dealer’s quote; win rate = accepted quotes / quotes. Ranked by response rate, then win rate, ' +
      'then the shorter response time.',
    filters: allFilters,
    columns: [
      period,
      { key: 'rank', label: '순위', type: 'integer' },
      { key: 'dealerId', label: '딜러 ID', type: 'integer' },
      { key: 'dealer', label: '딜러', type: 'text' },
      { key: 'eligibleRequests', label: '대상 요청', type: 'integer' },
      { key: 'quotes', label: '견적 수', type: 'integer' },
      { key: 'responsePercent', label: '응답률(%)', type: 'percent' },
      { key: 'medianResponseMinutes', label: '응답 시간 중앙값(분)', type: 'minutes' },
      { key: 'wins', label: '성사', type: 'integer' },
      { key: 'winPercent', label: '성사율(%)', type: 'percent' },
    ],
    charts: [{ title: '딜러별 응답률(%)', kind: 'bar', category: 'dealer', series: ['responsePercent', 'winPercent'] }],
  },
  media: {
    name: 'media',
    title: '미디어 상태',
    summary: 'Uploads by status, time from upload to stored (p50/p95), store retries, scrub incidents and how they were repaired.',
    method:
      'Uploads created in the period by their status at dataAsOf; seconds from upload to stored (p50/p95, PERCENTILE.INC) over ' +
      'stored uploads; retried = uploads whose store took more than one attempt, extra attempts = their attempts beyond the first. ' +
      'Scrub incidents (objects found missing, changed or of another size, in either store) are counted in the period they were ' +
      'detected, by kind and by how they ended: repaired from the spool, the primary store or the mirror, a preview made again, ' +
      'still open, or unrepairable. No region/maker/model filter applies to media.',
    filters: [],
    columns: [
      period,
      { key: 'uploads', label: '업로드', type: 'integer' },
      { key: 'spooled', label: '대기', type: 'integer' },
      { key: 'stored', label: '저장됨', type: 'integer' },
      { key: 'failed', label: '실패', type: 'integer' },
      { key: 'deleted', label: '삭제됨', type: 'integer' },
      { key: 'lost', label: '유실', type: 'integer' },
      { key: 'p50StoreSeconds', label: '저장까지 p50(초)', type: 'seconds' },
      { key: 'p95StoreSeconds', label: '저장까지 p95(초)', type: 'seconds' },
      { key: 'retriedUploads', label: '재시도 업로드', type: 'integer' },
      { key: 'extraStoreAttempts', label: '추가 저장 시도', type: 'integer' },
      { key: 'incidentsMissing', label: '점검: 객체 없음', type: 'integer' },
      { key: 'incidentsChanged', label: '점검: 내용 변경', type: 'integer' },
      { key: 'incidentsSize', label: '점검: 크기 다름', type: 'integer' },
      { key: 'repairedFromSpool', label: '복구: 스풀', type: 'integer' },
      { key: 'repairedFromPrimary', label: '복구: 기본 저장소', type: 'integer' },
      { key: 'repairedFromMirror', label: '복구: 미러', type: 'integer' },
      { key: 'repairedByRegenerating', label: '복구: 미리보기 재생성', type: 'integer' },
      { key: 'incidentsOpen', label: '미복구', type: 'integer' },
      { key: 'incidentsUnrepairable', label: '복구 불가', type: 'integer' },
    ],
    charts: [
      { title: '기간별 업로드 상태', kind: 'bar', category: 'period', series: ['stored', 'spooled', 'failed', 'deleted'] },
      { title: '업로드부터 저장까지(초)', kind: 'line', category: 'period', series: ['p50StoreSeconds', 'p95StoreSeconds'] },
      { title: '저장소 점검 사고와 복구', kind: 'bar', category: 'period', series: ['incidentsMissing', 'incidentsChanged', 'incidentsSize', 'incidentsUnrepairable'] },
    ],
  },
};

export function reportDefinition(name: ReportName): ReportDefinition {
  return definitions[name];
}

export function listReportDefinitions(): ReportDefinition[] {
  return REPORT_NAMES.map((name) => definitions[name]);
}

/** A result row: column key → value (null where a figure does not exist, e.g. a rate over zero). */
export type ReportRow = Record<string, string | number | null>;
