/**
 * `npm run bench -- reporter`: each report on the replica against the same SQL streamed raw
 * through mysql2 in the same run (target ≤ 1.3x), and the reporter CLI's peak RSS on a dataset ten
 * times smaller against the full one (target ≤ 1.3x: memory must not grow with the data).
 *
 * Datasets are seeded with the demo seeder into databases of their own and kept between runs.
 * REPORTER_BENCH_REQUESTS sets the large one (default 100,000; the 1,000,000 takes about
 * three minutes to seed and is what the README's figures use when stated); the small one is a tenth.
 * The comparison runs in a process of the reporter's own (apps/replica-reporter/src/bench/), since
 * the bench may not import an app.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { REPORT_NAMES, type ReportName } from '@chucar/domain';
import { loadStackConfig, repoRoot } from '../tools/stack/config.ts';
import { stackUp } from '../tools/stack/stack.ts';
import { prepareGatewayData } from './gateway-data.ts';
import { row, type Benchmark, type BenchRow } from './harness.ts';

const largeRequests = Number(process.env['REPORTER_BENCH_REQUESTS'] ?? 100_000);
const smallRequests = Math.max(1000, Math.round(largeRequests / 10));
const RUNS = 3;
const datasetFor = (requests: number) => ({ database: `chucar_bench_reporter_${requests}`, requests, customers: Math.max(100, Math.round(requests / 5)), dealers: Math.max(20, Math.round(requests / 330)), seed: 13 });
const reporterEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REPORTER_JWT_SECRET: 'bench-only-secret-0123456789-0123456789', REPORTER_SERVICE_SECRET: 'bench-only-secret-0123456789-abcdefghij' };

function run(command: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...reporterEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${path.basename(args[0] ?? command)} exited ${code}: ${stderr.slice(-800)}`))));
  });
}

/** Peak RSS (KiB) of the reporter CLI writing one report as CSV to /dev/null, from GNU time. */
async function cliPeakRssKiB(report: ReportName, database: string, from: string, to: string): Promise<number> {
  const cli = path.join(repoRoot, 'apps/replica-reporter/src/main-cli.ts');
  // With the flags npm run report starts it with (package.json).
  const { stderr } = await run('/usr/bin/time', ['-f', 'peak-rss-kib %M', process.execPath, '--max-semi-space-size=16', cli, report, '--from', from, '--to', to, '--granularity', 'month', '--format', 'csv', '--out', '/dev/null'], { REPORTER_DB_NAME: database });
  return Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1]);
}

export const benchmark: Benchmark = {
  name: 'reporter',
  description: `the six reports over ${largeRequests.toLocaleString('en-US')} requests vs their SQL raw through mysql2; CLI peak RSS at ${smallRequests.toLocaleString('en-US')} vs ${largeRequests.toLocaleString('en-US')} requests`,
  async run() {
    const stack = loadStackConfig();
    await stackUp(stack);
    const large = datasetFor(largeRequests);
    const small = datasetFor(smallRequests);
    for (const dataset of [small, large]) {
      console.error(`reporter: preparing ${dataset.database} (${dataset.requests.toLocaleString('en-US')} requests; kept between runs)`);
      await prepareGatewayData(dataset);
    }
    const replica = await mysql.createConnection({ host: '127.0.0.1', port: stack.DB_REPLICA_PORT, user: stack.DB_REPORTER_USER, password: stack.DB_REPORTER_PASSWORD, database: large.database });
    let range: { from: string; to: string };
    try {
      const [[found]] = (await replica.query("SELECT DATE_FORMAT(MIN(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `from`, DATE_FORMAT(MAX(created_at) + INTERVAL 9 HOUR, '%Y-%m-%d') AS `to` FROM quote_requests")) as unknown as [[{ from: string; to: string }]];
      range = found;
    } finally {
      await replica.end();
    }
    const rows: BenchRow[] = [];
    const compare = await run(process.execPath, [path.join(repoRoot, 'apps/replica-reporter/src/bench/compare-with-raw.ts'), large.database, range.from, range.to, String(RUNS)], {});
    for (const line of compare.stdout.trim().split('\n')) {
      const figures = JSON.parse(line) as { report: string; reportMs: number; rawMs: number; rowsRead: number; resultRows: number };
      rows.push(row(`${figures.report}: report to CSV vs its SQL raw`, figures.reportMs, 'ms', figures.rawMs, `${figures.rowsRead.toLocaleString('en-US')} rows read, ${figures.resultRows} out; ${range.from}..${range.to} by month; median of ${RUNS}`));
    }
    // The same year for both sizes: the small dataset was seeded over the same window.
    for (const name of REPORT_NAMES) {
      const smallKiB = await cliPeakRssKiB(name, small.database, range.from, range.to);
      const largeKiB = await cliPeakRssKiB(name, large.database, range.from, range.to);
      rows.push(row(`${name}: CLI peak RSS, ${largeRequests.toLocaleString('en-US')} vs ${smallRequests.toLocaleString('en-US')} requests`, largeKiB / 1024, 'MiB', smallKiB / 1024));
    }
    return rows;
  },
};
