import { beforeAll, describe, expect, it } from 'vitest';
import { reportDefinition, type ReportRow } from '@chucar/domain';
import type { ReportFormat } from '@chucar/contracts';
import { csvField, neutraliseFormula } from './csv.ts';
import { renderReport } from './render.ts';
import type { RenderableReport } from './renderable-report.ts';
import { displayWidth } from './table.ts';

function result(rows: ReportRow[], warnings: string[] = []): RenderableReport {
  return {
    definition: reportDefinition('dealers'),
    header: {
      report: 'dealers',
      title: reportDefinition('dealers').title,
      params: { from: '2026-11-01', to: '2026-11-30', granularity: 'month', filters: { region: 'seoul' } },
      timeZone: 'Asia/Seoul',
      dataAsOf: '2026-11-26T00:30:00.000Z',
      replicaLagSeconds: 0.4,
      generatedAt: '2026-11-26T00:30:01.000Z',
      warnings,
    },
    rows,
  };
}

const row = (dealer: string, responsePercent: number | null = 50): ReportRow => ({
  period: '2026-11', rank: 1, dealerId: 7, dealer, eligibleRequests: 4, quotes: 2, responsePercent, medianResponseMinutes: 12.5, wins: 1, winPercent: 50,
});

async function text(format: ReportFormat, data: RenderableReport, bom = true): Promise<string> {
  let out = '';
  for await (const chunk of renderReport(data, format, { bom })) out += chunk;
  return out;
}

describe('CSV (RFC 4180, Excel-safe)', () => {
  it('neutralises text cells that a spreadsheet would run as a formula, never numbers', () => {
    for (const dangerous of ['=1+1', '+82', '-cmd', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(dangerous)).toBe(`'${dangerous}`);
    expect(neutraliseFormula('가나모터스')).toBe('가나모터스');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
  });

  it('writes a BOM, CRLF lines, a freshness line, Korean headers', async () => {
    const csv = await text('csv', result([row('=가나모터스'), row('다라, 자동차', null)], ['the replica lags 90 s']));
    expect(csv.startsWith('\uFEFF# 딜러 순위 (dealers) 2026-11-01 ~ 2026-11-30 · 월 단위 · Asia/Seoul · region=seoul | dataAsOf=2026-11-26T00:30:00.000Z (2026-11-26 09:30:00 KST) | replicaLagSeconds=0.4\r\n')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toBe('# 경고: the replica lags 90 s');
    expect(lines[2]).toBe('기간,순위,딜러 ID,딜러,대상 요청,견적 수,응답률(%),응답 시간 중앙값(분),성사,성사율(%)');
    expect(lines[3]).toBe("2026-11,1,7,'=가나모터스,4,2,50,12.5,1,50");
    expect(lines[4]).toBe('2026-11,1,7,"다라, 자동차",4,2,,12.5,1,50');
    expect(lines[5]).toBe('');
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect((await text('csv', result([]), false)).startsWith('# 딜러 순위')).toBe(true);
  });
});

describe('JSON, table and HTML', () => {
  // The page loads ECharts on first use; loading it is not what these tests time.
  beforeAll(() => import('./charts.ts'), 60_000);

  it('JSON carries dataAsOf, replicaLagSeconds, warnings, columns and rows', async () => {
    const json = JSON.parse(await text('json', result([row('가나모터스')], ['w'])));
    expect(json).toMatchObject({ report: 'dealers', dataAsOf: '2026-11-26T00:30:00.000Z', replicaLagSeconds: 0.4, timeZone: 'Asia/Seoul', warnings: ['w'], rows: [row('가나모터스')] });
    expect(json.columns[0]).toEqual({ key: 'period', label: '기간', type: 'text' });
    expect(JSON.parse(await text('json', result([]))).rows).toEqual([]);
  });

  it('the table starts with the freshness line and aligns Korean text by display width', async () => {
    expect(displayWidth('가나a')).toBe(5);
    const table = await text('table', result([row('가나모터스'), row('ABC')]));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^# 딜러 순위 .* dataAsOf=2026-11-26T00:30:00.000Z .* replicaLagSeconds=0.4$/);
    expect(displayWidth(lines[3]!)).toBe(displayWidth(lines[4]!));
  });

  it('the page is self-contained: freshness stamp, SVG charts beside tables, Korean labels, escaped text', async () => {
    const html = await text('html', result([row('<b>가나</b>'), row('다라', 25)], ['lag']));
    expect(html).toContain('데이터 기준 시각: 2026-11-26 09:30:00 KST');
    expect(html).toContain('복제 지연 0.4초');
    expect(html).toContain('data-data-as-of="2026-11-26T00:30:00.000Z"');
    expect(html).toMatch(/<svg[^>]*>/);
    expect(html).toContain('응답률(%)');
    expect(html).toContain('&lt;b&gt;가나&lt;/b&gt;');
    expect(html).not.toContain('<b>가나</b>');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('⚠ lag');
    // Beside the chart, its own points (one dealer per row: 다라 at 25 %), then the whole table.
    expect(html).toMatch(/<th>딜러<\/th><th>응답률\(%\)<\/th><th>성사율\(%\)<\/th><\/tr><\/thead><tbody>\n<tr><td>&lt;b&gt;가나&lt;\/b&gt;<\/td><td class="n">50\.00<\/td>/);
    expect(html).toContain('<h2>전체 표</h2>');
  });
});
