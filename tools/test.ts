/**
 * `npm test`: every test, unit and integration (the integration project's global setup brings
 * the local stack up if needed). Ends with one plain line `vitest: N passed, N failed, N skipped`
 * so a run that executed no test is visible. Extra arguments go to vitest.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './stack/config.ts';

const reportFile = path.join(repoRoot, 'test-results', 'vitest.json');
fs.rmSync(reportFile, { force: true });

const vitest = path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...process.argv.slice(2)],
  { cwd: repoRoot, stdio: 'inherit' },
);

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

if (fs.existsSync(reportFile)) {
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as VitestJsonReport;
  console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
  if (report.numTotalTests === 0) {
    console.error('no test was executed');
    process.exit(1);
  }
} else {
  console.log('vitest: 0 passed, 1 failed (vitest wrote no report)');
}
process.exit(result.status ?? 1);
