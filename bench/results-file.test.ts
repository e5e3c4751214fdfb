import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readResults } from './results-file.ts';

describe('bench/results/latest.json', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    file = path.join(dir, 'latest.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is read with every row naming its bench and run; rows written before rows named their bench fall under "-"', () => {
    fs.writeFileSync(file, JSON.stringify({ at: '2026-12-01T00:00:00.000Z', rows: [{ name: 'GET by id', value: 1170, unit: 'req/s', baseline: 1759, ratio: 0.665 }] }));
    expect(readResults(file)).toEqual({
      at: '2026-12-01T00:00:00.000Z',
      rows: [{ name: 'GET by id', value: 1170, unit: 'req/s', baseline: 1759, ratio: 0.665, bench: '-', at: '2026-12-01T00:00:00.000Z' }],
    });
    expect(readResults(path.join(dir, 'missing.json'))).toBeNull();
  });

  it('refuses a file that is not JSON, or a row without its figure, naming the file', () => {
    fs.writeFileSync(file, '{"at": "2026-12-01T00:00:00.000Z", "rows": [');
    expect(() => readResults(file)).toThrow(new RegExp(`^${file}: not JSON`));
    fs.writeFileSync(file, JSON.stringify({ at: '2026-12-01T00:00:00.000Z', rows: [{ name: 'GET by id', unit: 'req/s' }] }));
    expect(() => readResults(file)).toThrow(new RegExp(`^${file}: row 1 \\(GET by id\\) has no numeric value`));
    fs.writeFileSync(file, JSON.stringify({ rows: [{ value: 3, unit: 'ms' }] }));
    expect(() => readResults(file)).toThrow(new RegExp(`^${file}: row 1 has no name`));
  });
});
