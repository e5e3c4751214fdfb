import { type ColumnType, type Granularity, type ReportRow } from '@chucar/domain';
import type { ReportHeader } from '../reports/report-runner.ts';

const granularityKo: Record<Granularity, string> = { day: '일', week: '주', month: '월' };

const numberFormats: Partial<Record<ColumnType, Intl.NumberFormat>> = {
  integer: new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 }),
  krw: new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 }),
  decimal: new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  percent: new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  minutes: new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  seconds: new Intl.NumberFormat('ko-KR', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
};

/** A value as people read it (tables and HTML): grouped digits, a dash where no figure exists. */
export function displayValue(value: ReportRow[string], type: ColumnType): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return numberFormats[type]?.format(value) ?? String(value);
  return value;
}

/** `2026-11-26 09:30:12 KST`: the instant as Korean analysts read clocks. */
export function kstClock(iso: string): string {
  const shifted = new Date(new Date(iso).getTime() + 9 * 3_600_000);
  return `${shifted.toISOString().slice(0, 19).replace('T', ' ')} KST`;
}

/** One line that says what the figures are and how fresh: the first line of every text output. */
export function freshnessLine(header: ReportHeader): string {
  const { params } = header;
  // No commas: in CSV the line stays one unquoted field.
  const filters = Object.entries(params.filters).map(([name, value]) => ` · ${name}=${value}`).join('');
  return (
    `${header.title} (${header.report}) ${params.from} ~ ${params.to} · ${granularityKo[params.granularity]} 단위 · ${header.timeZone}${filters}` +
    ` | dataAsOf=${header.dataAsOf} (${kstClock(header.dataAsOf)}) | replicaLagSeconds=${header.replicaLagSeconds}`
  );
}
