/**
 * bench/results/latest.json: the last figure of every benchmark row, kept in git as the README
 * table's source. A run replaces the figures it measured and keeps the others', so
 * `npm run bench -- reporter` does not wipe the gateway's figures, nor a run at 100k the 1M ones;
 * each row says which bench measured it and when.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './harness.ts';

export const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

export type ResultRow = BenchRow & { bench: string; at: string };
export interface Results {
  at: string;
  rows: ResultRow[];
}

/**
 * The file's rows, or null when no bench has written it yet. A file cut short or edited by hand is
 * refused with its name and the row at fault: its figures would otherwise reach the README as NaN.
 */
export function readResults(file = resultsFile): Results | null {
  if (!fs.existsSync(file)) return null;
  let parsed: Partial<Results>;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Results>;
  } catch (error) {
    throw new Error(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(parsed.rows)) throw new Error(`${file}: no rows array`);
  parsed.rows.forEach((row, index) => {
    const which = `row ${index + 1}${typeof row?.name === 'string' ? ` (${row.name})` : ''}`;
    if (typeof row?.name !== 'string') throw new Error(`${file}: ${which} has no name`);
    if (typeof row.value !== 'number') throw new Error(`${file}: ${which} has no numeric value`);
    if (typeof row.unit !== 'string') throw new Error(`${file}: ${which} has no unit`);
  });
  // Files written before rows named their bench keep their rows under "-".
  return { at: String(parsed.at ?? ''), rows: parsed.rows.map((row) => ({ ...row, bench: row.bench ?? '-', at: row.at ?? String(parsed.at ?? '') })) };
}

/**
 * `earlier` with every row `ran` measured again replaced in place (same bench, same figure name) and
 * new figures added after their bench's rows. A row a run did not measure (a partial run:
 * REPORTER_BENCH_SIZES=100000, one phase) stays with its own run time, which the table shows.
 */
export function mergeResults(earlier: Results | null, ran: { bench: string; rows: BenchRow[] }[], at: string): Results {
  const key = (bench: string, name: string) => `${bench}\u0000${name}`;
  const fresh = new Map(ran.flatMap((run) => run.rows.map((row): [string, ResultRow] => [key(run.bench, row.name), { ...row, bench: run.bench, at }])));
  const rows = (earlier?.rows ?? []).map((row) => {
    const measured = fresh.get(key(row.bench, row.name));
    if (!measured) return row;
    fresh.delete(key(row.bench, row.name));
    return measured;
  });
  for (const row of fresh.values()) {
    const lastOfBench = rows.findLastIndex((kept) => kept.bench === row.bench);
    if (lastOfBench < 0) rows.push(row);
    else rows.splice(lastOfBench + 1, 0, row);
  }
  return { at, rows };
}

export function writeResults(results: Results, file = resultsFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
