import { parseArgs } from 'node:util';
import { REPORT_NAMES, isReportName, listReportDefinitions, reportDefinition, type ReportName } from '@chucar/domain';
import { REPORT_FORMATS, isReportFormat, type ReportFormat } from '@chucar/contracts';

/** A mistake in the command line: one line on stderr, exit 2, nothing read from any server. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type CliRequest =
  | { kind: 'help'; report?: ReportName }
  | {
      kind: 'run';
      report: ReportName;
      input: { from?: string; to?: string; granularity?: string; region?: string; maker?: string; model?: string };
      format: ReportFormat;
      out?: string;
      maxLagS?: number;
      bom: boolean;
    };

const options = {
  from: { type: 'string' },
  to: { type: 'string' },
  granularity: { type: 'string' },
  region: { type: 'string' },
  maker: { type: 'string' },
  model: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'max-lag': { type: 'string' },
  bom: { type: 'boolean' },
  'no-bom': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCliArgs(argv: readonly string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, ''));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one report at a time, got ${positionals.join(', ')}`);
  const name = positionals[0];
  if (name !== undefined && !isReportName(name)) throw new UsageError(`unknown report ${JSON.stringify(name)}; reports: ${REPORT_NAMES.join(', ')}`);
  if (values.help || name === undefined) return name === undefined ? { kind: 'help' } : { kind: 'help', report: name };

  const format = values.format ?? 'table';
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  if (values.from === undefined || values.to === undefined) throw new UsageError('--from and --to are required (YYYY-MM-DD, Korean calendar days, both included)');
  let maxLagS: number | undefined;
  if (values['max-lag'] !== undefined) {
    maxLagS = Number(values['max-lag']);
    if (!/^\d+(\.\d+)?$/.test(values['max-lag']) || !Number.isFinite(maxLagS)) throw new UsageError('--max-lag must be a number of seconds, e.g. 30');
  }
  const input: Extract<CliRequest, { kind: 'run' }>['input'] = { from: values.from, to: values.to };
  for (const key of ['granularity', 'region', 'maker', 'model'] as const) if (values[key] !== undefined) input[key] = values[key];
  return { kind: 'run', report: name, input, format, ...(values.out !== undefined ? { out: values.out } : {}), ...(maxLagS !== undefined ? { maxLagS } : {}), bom: !values['no-bom'] };
}

const COMMON_USAGE = `Usage: npm run report -- <report> --from YYYY-MM-DD --to YYYY-MM-DD [options]

Options:
  --from, --to       Korean calendar days (Asia/Seoul), both included; at most 731 days
  --granularity      day | week | month (weeks run Monday to Sunday; default day)
  --region CODE      seoul, busan, gyeonggi, … (not for media)
  --maker CODE       a maker's catalog code, e.g. hyundai (not for media)
  --model CODE       a model's catalog code, e.g. grandeur (not for media)
  --format F         table | csv | json | html (default table)
  --out FILE         write there instead of stdout
  --max-lag S        refuse if the replica lags more than S seconds behind the primary
  --no-bom           CSV without the UTF-8 BOM (for pipelines; Excel needs the BOM for Korean)
  -h, --help         this help; \`npm run report -- <report> --help\` explains one report

Reads the read-only replica only (REPORTER_DB_* settings) and refuses, exit 1, unless it is one.
Every output states dataAsOf and replicaLagSeconds. Exit 0 done, 1 refused or failed, 2 bad usage or an --out that cannot be written.`;

export function helpText(report?: ReportName): string {
  if (report === undefined) {
    const list = listReportDefinitions().map((definition) => `  ${definition.name.padEnd(15)} ${definition.summary}`).join('\n');
    return `${COMMON_USAGE}\n\nReports:\n${list}\n`;
  }
  const definition = reportDefinition(report);
  const columns = definition.columns.map((column) => `  ${column.key.padEnd(24)} ${column.label}`).join('\n');
  return (
    `${definition.name}: ${definition.title}\n${definition.summary}\n\n${definition.method}\n\n` +
    `Filters: ${definition.filters.length > 0 ? definition.filters.join(', ') : 'none'}\nColumns:\n${columns}\n\n` +
    `Example: npm run report -- ${definition.name} --from 2026-11-01 --to 2026-11-30 --granularity week --format csv --out ${definition.name}.csv\n\n${COMMON_USAGE}\n`
  );
}
