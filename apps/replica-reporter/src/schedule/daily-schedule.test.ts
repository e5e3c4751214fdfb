import { describe, expect, it } from 'vitest';
import { dailyReportKey, previousKstDay } from './daily-reports.ts';
import { dayOfJob } from './daily-schedule.ts';

describe('which day a daily run reports', () => {
  it('the Korean day before the scheduled time', () => {
    expect(previousKstDay(new Date('2026-11-25T15:30:00Z'))).toBe('2026-11-25'); // 00:30 KST on 11-26
    expect(previousKstDay(new Date('2026-11-25T14:59:00Z'))).toBe('2026-11-24'); // 23:59 KST on 11-25
    expect(dayOfJob({ data: {}, timestamp: Date.parse('2027-01-01T15:30:00Z') })).toBe('2027-01-01');
    expect(dayOfJob({ data: { day: '2026-02-28' }, timestamp: 0 })).toBe('2026-02-28');
    expect(() => dayOfJob({ data: { day: '2026-02-30' }, timestamp: 0 })).toThrow(/not a day/);
  });

  it('files by day', () => {
    expect(dailyReportKey('2026-11-25', 'dealers', 'csv')).toBe('daily/2026-11-25/dealers-2026-11-25.csv');
    expect(dailyReportKey('2026-11-25', 'media', 'html')).toBe('daily/2026-11-25/media-2026-11-25.html');
  });
});
