/**
 * `npm run bench:readme`: rewrites the README's benchmark table from bench/results/latest.json
 * (npm run bench does the same at the end of every run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../tools/stack/config.ts';
import { renderBenchTable, replaceBenchTable } from './readme-table.ts';
import { readResults, resultsFile, type Results } from './results-file.ts';

export const readmePath = path.join(repoRoot, 'README.md');

export function writeReadmeTable(results: Results): void {
  fs.writeFileSync(readmePath, replaceBenchTable(fs.readFileSync(readmePath, 'utf8'), renderBenchTable(results)));
}

if (import.meta.main) {
  try {
    const results = readResults();
    if (results === null) throw new Error(`${path.relative(repoRoot, resultsFile)} does not exist: run npm run bench first`);
    writeReadmeTable(results);
    console.log(`README.md: benchmark table written from ${path.relative(repoRoot, resultsFile)} (${results.rows.length} rows)`);
  } catch (error) {
    console.error(`bench:readme: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
