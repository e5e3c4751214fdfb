/** Pure helpers of the web client: messages, formatting, routing, error texts, report charts, the alerts page. */
import { describe, expect, it } from 'vitest';
import type { FiringAlert } from './api/alerts.ts';
import { keepKeyAfter, newIdempotencyKey } from './api/idempotency.ts';
import { describeProblem } from './api/problem-message.ts';
import { ApiProblem } from './api/problem.ts';
import { formatDuration, formatKrw, koreanDay } from './format.ts';
import { catalogues, en, formatMessage, ko, type MessageKey } from './i18n/messages.ts';
import { alertsView, firingFor, runbookHref, whereFiring } from './pages/alert-list.ts';
import { chartsOf } from './pages/report-charts.ts';
import { matchPath } from './router.tsx';

const translate = (language: 'ko' | 'en') => (key: MessageKey, values?: Record<string, string | number>) => formatMessage(catalogues[language][key], values);

describe('messages', () => {
  it('have the same keys and placeholders in Korean and English', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ko).sort());
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(ko) as MessageKey[]) expect(placeholders(en[key]), key).toEqual(placeholders(ko[key]));
  });

  it('fill placeholders and leave unknown ones visible', () => {
    expect(formatMessage('요청 #{id}', { id: 12 })).toBe('요청 #12');
    expect(formatMessage('{a} {b}', { a: 1 })).toBe('1 {b}');
  });
});

describe('formatting', () => {
  it('writes prices as Korean won', () => {
    expect(formatKrw(35_000_000)).toBe('₩35,000,000');
  });

  it('names the Korean calendar day', () => {
    // 2026-11-25 16:00 UTC is already 26 November in Seoul.
    expect(koreanDay(0, new Date('2026-11-25T16:00:00Z'))).toBe('2026-11-26');
    expect(koreanDay(1, new Date('2026-11-25T16:00:00Z'))).toBe('2026-11-25');
  });
});

describe('routing', () => {
  it('matches app paths with parameters', () => {
    expect(matchPath('/requests/:id', '/requests/12')).toEqual({ id: '12' });
    expect(matchPath('/requests/:id', '/requests/12/quotes')).toBeNull();
    expect(matchPath('/dealer/requests/:id', '/requests/12')).toBeNull();
  });
});

describe('error messages', () => {
  it('say what happened in the chosen language, with the API detail, fields and request id', () => {
    const problem = new ApiProblem(422, { title: 'Unprocessable Entity', detail: 'trimId: no such trim', code: 'validation_failed', requestId: 'req-9', errors: [{ field: 'trimId', message: 'no such trim' }] });
    const text = describeProblem(problem, translate('ko'));
    expect(text.headline).toBe(ko.error_422);
    expect(text.details).toEqual(['trimId: no such trim']);
    expect(text.reference).toBe('문의 시 요청 번호: req-9');
  });

  it('use the code when it has its own message, with the Retry-After wait', () => {
    const problem = new ApiProblem(429, { code: 'too_many_sign_in_attempts', detail: 'wait' }, 8);
    expect(describeProblem(problem, translate('en')).headline).toBe('Too many sign-in attempts. Try again in 8 s.');
  });

  it('say "wrong email or password" for a 401 on the sign-in form, and name a network failure', () => {
    expect(describeProblem(new ApiProblem(401, { code: 'unauthenticated' }), translate('ko'), { signIn: true }).headline).toBe(ko.code_invalid_credentials);
    expect(describeProblem(new ApiProblem(0, { detail: 'Failed to fetch' }), translate('en')).headline).toBe(en.error_network);
    expect(describeProblem(new ApiProblem(502, {}), translate('en')).headline).toBe(en.error_5xx);
  });
});

describe('report charts', () => {
  it('chart each kind of measure along the first text column, leaving ids and ranks out', () => {
    const charts = chartsOf({
      columns: [
        { key: 'period', label: '기간', type: 'text' },
        { key: 'rank', label: '순위', type: 'integer' },
        { key: 'dealerId', label: '딜러 ID', type: 'integer' },
        { key: 'quotes', label: '견적 수', type: 'integer' },
        { key: 'responsePercent', label: '응답률(%)', type: 'percent' },
      ],
      rows: [
        { period: '2026-11-24', rank: 1, dealerId: 4, quotes: 3, responsePercent: 50 },
        { period: '2026-11-25', rank: 1, dealerId: 4, quotes: 5, responsePercent: null },
      ],
    });
    expect(charts.map((chart) => [chart.title, chart.kind])).toEqual([
      ['견적 수', 'bar'],
      ['응답률(%)', 'line'],
    ]);
    expect(charts[1]!.series[0]!.values).toEqual([50, null]);
    expect(charts[0]!.categories).toEqual(['2026-11-24', '2026-11-25']);
  });
});

describe('idempotency keys', () => {
  it('are random v4 UUIDs', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('are kept for a retry only when the write may have happened or is still running', () => {
    expect(keepKeyAfter(new ApiProblem(0, {}))).toBe(true);
    expect(keepKeyAfter(new ApiProblem(503, { code: 'database_unavailable' }))).toBe(true);
    expect(keepKeyAfter(new ApiProblem(409, { code: 'idempotency_key_in_flight' }))).toBe(true);
    expect(keepKeyAfter(new ApiProblem(409, { code: 'request_not_open' }))).toBe(false);
    expect(keepKeyAfter(new ApiProblem(422, { code: 'validation_failed' }))).toBe(false);
    expect(keepKeyAfter(undefined)).toBe(false);
  });
});

describe('alerts page', () => {
  const alert = (name: string, severity: FiringAlert['severity']): FiringAlert => ({
    name,
    severity,
    summary: null,
    description: null,
    runbookUrl: null,
    startsAt: '2026-12-05T09:00:00.000Z',
    labels: { alertname: name, severity },
    state: 'active',
    fingerprint: name,
  });

  it('lists what is wrong in the gateway’s order, and takes the Watchdog as proof that alerting works, not as a problem', () => {
    const view = alertsView([alert('MediaLost', 'page'), alert('ReplicaLagHigh', 'warning'), alert('Watchdog', 'none')]);
    expect(view.problems.map((each) => each.name)).toEqual(['MediaLost', 'ReplicaLagHigh']);
    expect(view.pipelineAlive).toBe(true);
    // Only the Watchdog: nothing is firing, and the empty state is shown.
    expect(alertsView([alert('Watchdog', 'none')])).toEqual({ problems: [], pipelineAlive: true });
    expect(alertsView([])).toEqual({ problems: [], pipelineAlive: false });
  });

  it('links a runbook only when it is an http(s) URL; a repository path or a script stays text', () => {
    expect(runbookHref('https://github.com/chucar/chucar/blob/main/docs/operations.md#medialost')).toBe('https://github.com/chucar/chucar/blob/main/docs/operations.md#medialost');
    expect(runbookHref('docs/operations.md#medialost')).toBeNull();
    expect(runbookHref('javascript:alert(1)')).toBeNull();
    expect(runbookHref('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(runbookHref(null)).toBeNull();
  });

  it('says how long an alert has fired in the largest whole unit, in the chosen language', () => {
    const now = new Date('2026-12-05T12:00:30.000Z');
    expect(firingFor('2026-12-05T12:00:00.000Z', now)).toEqual({ value: 0, unit: 'minute' });
    expect(firingFor('2026-12-05T11:01:00.000Z', now)).toEqual({ value: 59, unit: 'minute' });
    expect(firingFor('2026-12-05T09:00:00.000Z', now)).toEqual({ value: 3, unit: 'hour' });
    expect(firingFor('2026-12-01T12:00:00.000Z', now)).toEqual({ value: 4, unit: 'day' });
    // A clock slightly behind Alertmanager's never shows a negative duration.
    expect(firingFor('2026-12-05T12:01:00.000Z', now)).toEqual({ value: 0, unit: 'minute' });
    expect(formatDuration({ value: 12, unit: 'minute' }, 'ko')).toBe('12분');
    // ICU versions abbreviate English minutes as "min" or "mins".
    expect(formatDuration({ value: 12, unit: 'minute' }, 'en')).toMatch(/^12 mins?$/);
  });

  it('names where an alert fires from its grouping labels', () => {
    expect(whereFiring({ alertname: 'ReplicaLagHigh', job: 'mysqld', server: 'replica', severity: 'warning' })).toBe('job=mysqld · server=replica');
    expect(whereFiring({ alertname: 'Watchdog' })).toBeNull();
  });
});
