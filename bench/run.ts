/**
 * `npm run bench` runs every benchmark in bench/*.bench.ts; `npm run bench -- <name>` runs one.
 * Prints one table, puts its rows into bench/results/latest.json in place of the earlier rows of
 * the same benches, and writes the README's table from that file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, type Benchmark, type BenchRow } from './harness.ts';
import { writeReadmeTable } from './readme.ts';
import { mergeResults, readResults, writeResults } from './results-file.ts';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));

const files = fs.readdirSync(benchDir).filter((file) => file.endsWith('.bench.ts')).sort();
const benchmarks: Benchmark[] = [];
for (const file of files) {
  const module = (await import(path.join(benchDir, file))) as { benchmark: Benchmark };
  benchmarks.push(module.benchmark);
}

const unknown = wanted.filter((name) => !benchmarks.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${benchmarks.map((benchmark) => benchmark.name).join(', ')}`);
  process.exit(2);
}

const ran: { bench: string; rows: BenchRow[] }[] = [];
for (const benchmark of benchmarks.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  console.error(`running ${benchmark.name}: ${benchmark.description}`);
  ran.push({ bench: benchmark.name, rows: await benchmark.run() });
}

console.log(formatTable(ran.flatMap((run) => run.rows)));
const results = mergeResults(readResults(), ran, new Date().toISOString());
writeResults(results);
writeReadmeTable(results);
process.exit(0);
