import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { row } from './harness.ts';
import { readmePath } from './readme.ts';
import { cell, figure, renderBenchTable, replaceBenchTable, TABLE_END, TABLE_START } from './readme-table.ts';
import { mergeResults, readResults } from './results-file.ts';

describe("the README's benchmark table", () => {
  it('writes figures with grouped thousands, their units, the ratio and the run, benches in name order', () => {
    const results = mergeResults(
      null,
      [
        { bench: 'reporter', rows: [row('prices at 100,000 requests', 1576.4541, 'ms', 1534.6364, 'a | b')] },
        { bench: 'gateway', rows: [row('GET by id', 1170, 'req/s', 1759), row('lag p50', 3, 'ms', null)] },
      ],
      '2026-12-06T05:30:12.345Z',
    );
    expect(renderBenchTable(results).split('\n')).toEqual([
      '| bench | figure | value | baseline | ratio | run (UTC) | note |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| gateway | GET by id | 1,170 req/s | 1,759 req/s | 0.67x | 2026-12-06 05:30 |  |',
      '| gateway | lag p50 | 3 ms | – | – | 2026-12-06 05:30 |  |',
      '| reporter | prices at 100,000 requests | 1,576.454 ms | 1,534.636 ms | 1.03x | 2026-12-06 05:30 | a \\| b |',
    ]);
    expect(figure(null, 'ms')).toBe('–');
    expect(cell('one\ntwo')).toBe('one two');
  });

  it("replaces the figures a run measured, in place, and keeps the rest with their own run time", () => {
    const first = mergeResults(
      null,
      [
        { bench: 'gateway', rows: [row('GET by id', 1, 'req/s', 2)] },
        { bench: 'reporter', rows: [row('volume at 100k', 1, 'ms', 1), row('volume at 1M', 3, 'ms', 1)] },
      ],
      '2026-12-01T00:00:00.000Z',
    );
    const second = mergeResults(first, [{ bench: 'reporter', rows: [row('volume at 100k', 2, 'ms', 1), row('media at 100k', 4, 'ms', 1)] }], '2026-12-06T00:00:00.000Z');
    expect(second.rows.map((result) => [result.bench, result.name, result.value, result.at])).toEqual([
      ['gateway', 'GET by id', 1, '2026-12-01T00:00:00.000Z'],
      ['reporter', 'volume at 100k', 2, '2026-12-06T00:00:00.000Z'],
      ['reporter', 'volume at 1M', 3, '2026-12-01T00:00:00.000Z'],
      ['reporter', 'media at 100k', 4, '2026-12-06T00:00:00.000Z'],
    ]);
    expect(mergeResults(second, [{ bench: 'lb', rows: [row('p99', 5, 'ms', null)] }], '2026-12-07T00:00:00.000Z').rows.at(-1)).toMatchObject({ bench: 'lb', name: 'p99' });
  });

  it('writes between the markers only, and refuses a README without them or with two', () => {
    const readme = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nafter\n`;
    expect(replaceBenchTable(readme, '| new |')).toBe(`# Title\n\n${TABLE_START}\n| new |\n${TABLE_END}\n\nafter\n`);
    expect(replaceBenchTable(replaceBenchTable(readme, '| new |'), '| newer |')).toContain(`${TABLE_START}\n| newer |\n${TABLE_END}`);
    expect(() => replaceBenchTable('# no markers\n', '| t |')).toThrow(/must hold the line/);
    expect(() => replaceBenchTable(`${readme}${TABLE_START}\n`, '| t |')).toThrow(/once/);
    expect(() => replaceBenchTable(`${TABLE_END}\n${TABLE_START}\n`, '| t |')).toThrow(/must hold/);
  });

  it('in the README is the one bench/results/latest.json gives, not edited by hand', () => {
    const results = readResults();
    expect(results, 'bench/results/latest.json is in git').not.toBeNull();
    const readme = fs.readFileSync(readmePath, 'utf8');
    expect(replaceBenchTable(readme, renderBenchTable(results!))).toBe(readme);
  });
});
