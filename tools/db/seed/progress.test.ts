import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration } from './progress.ts';

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { output: { isTTY, write: (text: string) => writes.push(text) }, writes };
}

describe('createProgressBar', () => {
  it('prints a line every 10 % when stderr is not a terminal', () => {
    const { output, writes } = recorder(false);
    let now = 0;
    const bar = createProgressBar(output, () => now);
    for (let done = 0; done <= 1_000; done += 10) {
      now += 10;
      bar.update({ phase: 'requests', done, total: 1_000, rowsWritten: done * 5 });
    }
    bar.finish();
    expect(writes).toHaveLength(11);
    expect(writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(writes.at(-1)).toContain('100.0 %');
    expect(writes.at(-1)).toMatch(/5,000 rows\/s/);
  });

  it('redraws one line on a terminal, throttled, and ends it on finish', () => {
    const { output, writes } = recorder(true);
    let now = 0;
    const bar = createProgressBar(output, () => now);
    for (let done = 0; done <= 100; done += 1) {
      now += 10;
      bar.update({ phase: 'requests', done, total: 100, rowsWritten: done });
    }
    bar.finish();
    const redraws = writes.filter((text) => text.startsWith('\r'));
    expect(redraws.length).toBeGreaterThan(5);
    expect(redraws.length).toBeLessThan(20);
    expect(redraws.at(-1)).toContain('100.0 %');
    expect(redraws[1]).toMatch(/ETA \d+s/);
    expect(writes.at(-1)).toBe('\n');
  });

  it('formats durations', () => {
    expect(formatDuration(5.2)).toBe('5s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--');
  });
});
