/**
 * The alert rules as Prometheus sees them: promtool checks them and runs their unit tests
 * (alert-rules.test.yml, alert-rules.long.test.yml and alert-rules.galera.test.yml), promtool and amtool check the compose
 * configs; and every alert a person can receive carries what they need to act on it: a severity, a
 * summary, a description and a runbook that exists in docs/operations.md.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../compose-file.ts';

const monitoringDir = path.join(repoRoot, 'deploy', 'monitoring');
const rulesFile = path.join(monitoringDir, 'alert-rules.yml');
const ruleTestFiles = ['alert-rules.test.yml', 'alert-rules.long.test.yml', 'alert-rules.galera.test.yml'].map((file) => path.join(monitoringDir, file));
const operationsDoc = path.join(repoRoot, 'docs', 'operations.md');

/** The alerts other parts of the system and the runbooks are written against (the monitoring contract). */
const contractAlerts = [
  'Watchdog',
  'GatewayInstanceDown',
  'GatewayInstanceNotReady',
  'NoGatewayInRotation',
  'ServiceDown',
  'DatabasePrimaryUnreachable',
  'ReplicaIoThreadStopped',
  'ReplicaSqlThreadStopped',
  'ReplicaLagHigh',
  'RedisDown',
  'MediaStorageUnavailable',
  'MediaUploadsWaitingTooLong',
  'MediaQueueStuck',
  'MediaFailedJobsGrowing',
  'MediaScrubIncidents',
  'MediaLost',
  'ScheduledReportFailed',
  'ScheduledReportMissing',
  'ServiceCrashLooping',
  'PrometheusTargetMissing',
];
const severities = ['page', 'warning', 'info', 'none'];

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const rules = (parse(fs.readFileSync(rulesFile, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] }).groups.flatMap((group) => group.rules);
const alertNames = [...new Set(rules.map((rule) => rule.alert))];

const execFileAsync = promisify(execFile);

/** Runs a tool of a Debian package; a missing tool fails the test with the package to install. */
async function runTool(command: string, debianPackage: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { cwd: monitoringDir, timeout: 120_000 });
    return `${stdout}${stderr}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${command} is not installed: it comes with the Debian package ${debianPackage} (apt-get install -y ${debianPackage})`, { cause: error });
    }
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('alert rules (deploy/monitoring/alert-rules.yml)', () => {
  it('pass promtool check rules', async () => {
    const output = await runTool('promtool', 'prometheus', ['check', 'rules', rulesFile]);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pass their promtool unit tests', { timeout: 180_000 }, async () => {
    // One promtool per file, side by side: each takes seconds of CPU.
    const outputs = await Promise.all(ruleTestFiles.map((file) => runTool('promtool', 'prometheus', ['test', 'rules', file])));
    for (const output of outputs) expect(output).toMatch(/SUCCESS/);
  });

  it('are loaded by a Prometheus config and an Alertmanager config that both tools accept', async () => {
    const prometheus = await runTool('promtool', 'prometheus', ['check', 'config', path.join(monitoringDir, 'prometheus.yml')]);
    expect(prometheus).toMatch(/SUCCESS: 1 rule files found/);
    const alertmanager = await runTool('amtool', 'prometheus-alertmanager', ['check-config', path.join(monitoringDir, 'alertmanager.yml')]);
    expect(alertmanager).toMatch(/SUCCESS/);
  });

  it('include every alert of the contract', () => {
    expect(alertNames).toEqual(expect.arrayContaining(contractAlerts));
  });

  it.each(rules.map((rule) => [rule.alert, rule] as const))('%s has a severity, a summary, a description and a runbook link', (_name, rule) => {
    expect(severities).toContain(rule.labels?.['severity']);
    expect(rule.annotations?.['summary']).toBeTruthy();
    expect(rule.annotations?.['summary']).not.toContain('\n');
    expect(rule.annotations?.['description']).toBeTruthy();
    expect(rule.annotations?.['runbook_url']).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
  });

  it('link to runbooks that exist: a "### AlertName" heading in docs/operations.md for each', () => {
    const doc = fs.readFileSync(operationsDoc, 'utf8');
    const anchors = new Set([...doc.matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, heading]) => headingAnchor(heading!)));
    for (const rule of rules) {
      const anchor = rule.annotations?.['runbook_url']?.split('#')[1] ?? '';
      expect(anchors, `${rule.alert}: #${anchor}`).toContain(anchor);
    }
    const runbookHeadings = [...doc.matchAll(/^###\s+(\w+)\s*$/gm)].map(([, heading]) => heading);
    expect(runbookHeadings).toEqual(expect.arrayContaining(alertNames));
  });

  it("are each listed in docs/operations.md's alert table", () => {
    const doc = fs.readFileSync(operationsDoc, 'utf8');
    const tableNames = [...doc.matchAll(/^\|\s*\[?`?(\w+)`?\]?/gm)].map(([, name]) => name);
    expect(tableNames).toEqual(expect.arrayContaining(alertNames));
  });

  it('are each tested firing and, except the Watchdog, quiet', () => {
    const cases = ruleTestFiles.flatMap((file) => (parse(fs.readFileSync(file, 'utf8')) as RuleTestFile).tests.flatMap((test) => test.alert_rule_test ?? []));
    for (const name of alertNames) {
      const own = cases.filter((testCase) => testCase.alertname === name);
      expect(own.some((testCase) => (testCase.exp_alerts ?? []).length > 0), `${name} fires in a test`).toBe(true);
      if (name !== 'Watchdog') expect(own.some((testCase) => (testCase.exp_alerts ?? []).length === 0), `${name} stays quiet in a test`).toBe(true);
    }
  });
});
