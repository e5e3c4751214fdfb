import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { MEDIA_STATUSES, REPORT_NAMES, isMediaId, listReportDefinitions } from '@chucar/domain';
import { AcceptedMedia, MediaIdParams, MediaView } from './media.ts';
import { MEDIA_JOB_NAMES, isMediaJobData, mediaJobDataIssue } from './media-jobs.ts';
import { Problem } from './problem.ts';
import { REPORT_FORMATS, ReportJson, ReportList, ReportNameParams, ReportQuery } from './reports.ts';

const mediaId = '0b8f2f4e-6a1d-4c5e-9f3a-2d7c1e0b9a44';
const instant = '2026-11-26T00:30:12.000Z';

describe('media contract', () => {
  it('takes the media id the domain takes, and nothing else', () => {
    for (const id of [mediaId, mediaId.toUpperCase(), `${mediaId}0`, 'a:b', '']) {
      expect(Value.Check(MediaIdParams, { id }), id).toBe(isMediaId(id));
    }
    expect(Value.Check(MediaIdParams, { id: mediaId, extra: 1 })).toBe(false);
  });

  it('accepts the answers the media service gives and refuses a status the domain does not have', () => {
    const accepted = { id: mediaId, status: 'spooled', sizeBytes: 12, sha256: 'ab'.repeat(32), contentType: 'image/jpeg', kind: 'image', createdAt: instant };
    expect([...Value.Errors(AcceptedMedia, accepted)]).toEqual([]);
    expect(Value.Check(AcceptedMedia, { ...accepted, status: 'pending' })).toBe(false);
    for (const status of MEDIA_STATUSES) expect(Value.Check(AcceptedMedia, { ...accepted, status })).toBe(true);

    const view = {
      ...accepted,
      ownerId: 7,
      status: 'stored',
      width: 640,
      height: 480,
      storedAt: instant,
      variantsStatus: 'ready',
      original: { url: 'http://127.0.0.1:9000/o', expiresAt: instant },
      variants: [{ name: 'w320', width: 320, height: 240, url: 'http://127.0.0.1:9000/v', expiresAt: instant }],
    };
    expect([...Value.Errors(MediaView, view)]).toEqual([]);
    expect(Value.Check(MediaView, { ...view, variants: [{ ...view.variants[0], name: 'huge' }] })).toBe(false);
    expect(Value.Check(MediaView, { ...view, createdAt: 'yesterday' })).toBe(false);
  });
});

describe('media job data', () => {
  it('names a schema for every job', () => {
    expect(MEDIA_JOB_NAMES).toEqual(['store', 'variants', 'reconcile', 'scrub', 'purge']);
  });

  it('takes what the producer writes and says what is wrong with anything else', () => {
    expect(isMediaJobData('store', { mediaId })).toBe(true);
    expect(isMediaJobData('variants', { mediaId, requestId: 'req-1' })).toBe(true);
    expect(isMediaJobData('scrub', { pass: 'catch-up' })).toBe(true);
    expect(isMediaJobData('purge', {})).toBe(true);

    expect(isMediaJobData('store', { mediaId: 'not-an-id' })).toBe(false);
    expect(mediaJobDataIssue('store', { mediaId: 'not-an-id' })).toMatch(/^\/mediaId /);
    expect(mediaJobDataIssue('store', {})).toMatch(/mediaId/);
    expect(mediaJobDataIssue('store', { mediaId, requestId: 5 })).toMatch(/^\/requestId /);
    expect(mediaJobDataIssue('scrub', { pass: 'deep' })).toMatch(/^\/pass /);
    expect(mediaJobDataIssue('store', null)).not.toBeNull();
    expect(mediaJobDataIssue('store', { mediaId })).toBeNull();
  });
});

describe('report contract', () => {
  it('lists every report the domain defines, with its columns', () => {
    const list = {
      reports: listReportDefinitions().map(({ name, title, summary, method, filters, columns }) => ({ name, title, summary, method, filters: [...filters], columns: [...columns] })),
      formats: [...REPORT_FORMATS],
    };
    expect([...Value.Errors(ReportList, list)]).toEqual([]);
  });

  it('names only the reports the domain defines', () => {
    for (const name of REPORT_NAMES) expect(Value.Check(ReportNameParams, { name })).toBe(true);
    expect(Value.Check(ReportNameParams, { name: 'sales' })).toBe(false);
  });

  it('checks the shape of a query and leaves the calendar to the reporter', () => {
    expect(Value.Check(ReportQuery, { from: '2024-02-30', to: '2024-03-01', granularity: 'week', maker: 'hyundai', format: 'csv' })).toBe(true);
    expect(Value.Check(ReportQuery, { from: '2024-2-1', to: '2024-03-01' })).toBe(false);
    expect(Value.Check(ReportQuery, { from: '2024-02-01', to: '2024-03-01', maker: 'Hyundai' })).toBe(false);
    expect(Value.Check(ReportQuery, { from: '2024-02-01', to: '2024-03-01', colour: 'red' })).toBe(false);
  });

  it('describes a JSON report, rows keyed by column', () => {
    const report = {
      report: 'volume',
      title: '견적 요청 추이',
      params: { from: '2024-03-01', to: '2024-03-02', granularity: 'day', filters: { region: 'seoul' } },
      timeZone: 'Asia/Seoul',
      dataAsOf: instant,
      replicaLagSeconds: 0.4,
      generatedAt: instant,
      warnings: [],
      columns: [{ key: 'period', label: '기간', type: 'text' }],
      rows: [{ period: '2024-03-01', requests: 3, share: null }],
    };
    expect([...Value.Errors(ReportJson, report)]).toEqual([]);
    expect(Value.Check(ReportJson, { ...report, timeZone: 'UTC' })).toBe(false);
    expect(Value.Check(ReportJson, { ...report, rows: [{ period: true }] })).toBe(false);
  });
});

describe('problem details', () => {
  it('is what every app answers an error with', () => {
    const problem = { type: 'https://chucar.example/problems/invalid_request', title: 'Bad Request', status: 400, code: 'invalid_request', errors: [{ field: 'name', message: 'must be one of' }] };
    expect(Value.Check(Problem, problem)).toBe(true);
    expect(Value.Check(Problem, { ...problem, status: '400' })).toBe(false);
  });
});
