/**
 * bench/results/latest.json: the last rows of every benchmark run on this machine. A run replaces
 * the rows of the benches it ran and keeps the others', so `npm run bench -- reporter` does not
 * wipe the gateway's figures; each row says which bench measured it and when.
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

export function readResults(file = resultsFile): Results | null {
  if (!fs.existsSync(file)) return null;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Results>;
  if (!Array.isArray(parsed.rows)) throw new Error(`${file}: no rows array`);
  // Files written before rows named their bench keep their rows under "-".
  return { at: String(parsed.at ?? ''), rows: parsed.rows.map((row) => ({ ...row, bench: row.bench ?? '-', at: row.at ?? String(parsed.at ?? '') })) };
}

/** `earlier` with the rows of every bench in `ran` replaced by that bench's new rows. */
export function mergeResults(earlier: Results | null, ran: { bench: string; rows: BenchRow[] }[], at: string): Results {
  const replaced = new Set(ran.map((run) => run.bench));
  const kept = (earlier?.rows ?? []).filter((row) => !replaced.has(row.bench));
  return { at, rows: [...kept, ...ran.flatMap((run) => run.rows.map((row) => ({ ...row, bench: run.bench, at })))] };
}

export function writeResults(results: Results, file = resultsFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
