import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReportDataset } from '../testing/report-dataset.ts';
import { reporterTestEnv } from '../testing/reporter-test-config.ts';
import { runCli } from './run-cli.ts';

function capture() {
  let text = '';
  return { stream: new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) }), text: () => text };
}

async function cli(args: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, env: reporterTestEnv() });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('npm run report (real replica)', () => {
  let dir: string;
  beforeAll(async () => {
    await writeReportDataset();
    dir = await mkdtemp(path.join(os.tmpdir(), 'reporter-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes each format to --out, each stating its freshness', async () => {
    const base = ['volume', '--from', '2024-02-26', '--to', '2024-03-10', '--granularity', 'week'];
    const csv = await cli([...base, '--format', 'csv', '--out', path.join(dir, 'v.csv')]);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stderr).toMatch(/^report: wrote .*v\.csv \(2 rows; data as of .*, replica lag [\d.]+ s\)/m);
    const file = await readFile(path.join(dir, 'v.csv'), 'utf8');
    const lines = file.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFF# 견적 요청·견적 건수 \(volume\) 2024-02-26 ~ 2024-03-10 · 주 단위 · Asia\/Seoul \| dataAsOf=\S+Z .* \| replicaLagSeconds=[\d.]+$/);
    expect(lines.slice(1)).toEqual(['기간,견적 요청,받은 견적,요청당 견적', '2024-02-26 주,3,5,1.67', '2024-03-04 주,2,1,0.5', '']);

    const noBom = await cli([...base, '--format', 'csv', '--no-bom']);
    expect(noBom.stdout.startsWith('# 견적 요청')).toBe(true);

    const json = JSON.parse((await cli([...base, '--format', 'json'])).stdout);
    expect(json).toMatchObject({ report: 'volume', dataAsOf: expect.any(String), replicaLagSeconds: expect.any(Number), rows: [{ requests: 3 }, { requests: 2 }] });

    const table = (await cli([...base, '--region', 'busan'])).stdout;
    expect(table.split('\n')[0]).toMatch(/^# .*region=busan \| dataAsOf=.* \| replicaLagSeconds=/);
    expect(table).toContain('2024-02-26 주');

    const html = (await cli(['media', '--from', '2024-02-26', '--to', '2024-03-10', '--format', 'html'])).stdout;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('데이터 기준 시각');
    expect(html.match(/<svg/g)?.length).toBe(3);
  });

  it('--out replaces a file only once the report is complete, and writes a device or a pipe in place', async () => {
    const base = ['prices', '--from', '2024-02-26', '--to', '2024-03-10', '--granularity', 'month', '--format', 'csv'];
    const target = path.join(dir, 'prices.csv');
    await writeFile(target, 'an older report');
    const written = await cli([...base, '--out', target]);
    expect(written.code, written.stderr).toBe(0);
    expect(await readFile(target, 'utf8')).toMatch(/^\uFEFF# /);
    expect((await readdir(dir)).filter((name) => name.endsWith('.partial'))).toEqual([]);

    // A FIFO stands for /dev/null: renaming a finished file over it would replace it with a plain file.
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    let received = '';
    const reading = new Promise<void>((resolve, reject) => createReadStream(fifo).on('data', (chunk) => (received += String(chunk))).on('end', resolve).on('error', reject));
    const piped = await cli([...base, '--out', fifo]);
    await reading;
    expect(piped.code, piped.stderr).toBe(0);
    expect(received).toMatch(/^\uFEFF# /);
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it('an --out that cannot be written fails at once with exit 2, before any report runs', async () => {
    const missingFolder = path.join(dir, 'no-such-folder', 'v.csv');
    const log = capture();
    const stderr = capture();
    const code = await runCli(['volume', '--from', '2024-02-26', '--to', '2024-03-10', '--out', missingFolder], {
      stdout: capture().stream,
      stderr: stderr.stream,
      env: reporterTestEnv(),
      log: pino({ level: 'info' }, log.stream),
    });
    expect(code).toBe(2);
    expect(stderr.text()).toMatch(/^report: cannot write --out .*no-such-folder\/v\.csv: ENOENT[^\n]*\n$/);
    expect(log.text()).not.toContain('report computed');
  });

  it('a reader that closes the pipe early (| head) ends the run quietly with exit 0', async () => {
    let writes = 0;
    // Like a pipe whose reader has gone: the first chunk is taken, every later write fails with EPIPE.
    const closedPipe = new Writable({
      highWaterMark: 1,
      write: (_chunk, _encoding, done) => done((writes += 1) > 1 ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null),
    });
    const stderr = capture();
    const code = await runCli(['prices', '--from', '2024-02-26', '--to', '2024-03-10', '--granularity', 'day', '--format', 'csv'], { stdout: closedPipe, stderr: stderr.stream, env: reporterTestEnv() });
    expect(code).toBe(0);
    expect(writes).toBeGreaterThan(1);
    expect(stderr.text()).toBe('');
  });

  it('explains itself: the list, and one report', async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/responsiveness\s+Time to first quote/);
    const one = await cli(['dealers', '--help']);
    expect(one.stdout).toMatch(/^dealers: 딜러 순위/);
    expect(one.stdout).toContain('responsePercent');
  });

  it('bad usage: one line, exit 2, nothing read', async () => {
    const cases: [string[], RegExp][] = [
      [['sales', '--from', '2024-01-01', '--to', '2024-01-02'], /^report: unknown report "sales"; reports: volume, /],
      [['volume', '--from', '2024-02-30', '--to', '2024-03-01'], /^report: from: must be a date YYYY-MM-DD/],
      [['volume', '--from', '2024-03-02', '--to', '2024-03-01'], /^report: to: must not be before from/],
      [['volume', '--from', '2024-03-01'], /^report: --from and --to are required/],
      [['volume', '--from', '2024-03-01', '--to', '2024-03-02', '--colour'], /^report: Unknown option '--colour'/],
      [['volume', '--from', '2024-03-01', '--to', '2024-03-02', '--format', 'xlsx'], /^report: --format must be one of table, csv, json, html/],
      [['volume', '--from', '2024-03-01', '--to', '2024-03-02', '--granularity', 'year'], /^report: granularity: must be one of day, week, month/],
      [['volume', '--from', '2024-03-01', '--to', '2024-03-02', '--max-lag', 'soon'], /^report: --max-lag must be a number of seconds/],
      [['volume', '--from', '2024-03-01', '--to', '2024-03-02', '--maker', 'no-such-maker'], /^report: maker: no maker has the code "no-such-maker"/],
      [['media', '--from', '2024-03-01', '--to', '2024-03-02', '--region', 'seoul'], /^report: region: the media report takes no region filter/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(message)]);
    }
  });
});
