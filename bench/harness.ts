/** What every benchmark returns: one row per figure, each compared with a baseline measured in the same run. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** value / baseline; null without a baseline. */
  ratio: number | null;
  note?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchRow[]>;
}

export function row(name: string, value: number, unit: string, baseline: number | null, note?: string): BenchRow {
  const ratio = baseline === null || baseline === 0 ? null : value / baseline;
  return { name, value: round(value), unit, baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio), ...(note ? { note } : {}) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** The middle value (the upper of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['name', 'figure', 'baseline', 'ratio', 'note'];
  const lines = rows.map((r) => [r.name, `${r.value} ${r.unit}`, r.baseline === null ? '-' : `${r.baseline} ${r.unit}`, r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`, r.note ?? '']);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...lines.map(render)].join('\n');
}

/**
 * The phases a bench runs, from a comma-separated env variable (every phase when unset). An unknown
 * phase, or a list `allowed` refuses, ends the run with exit 2 and one line naming the variable.
 */
export function benchPhases<Phase extends string>(variable: string, all: readonly Phase[], allowed: (phases: readonly Phase[]) => boolean = () => true, expected = `a comma-separated list of ${all.join(', ')}`): Phase[] {
  const text = process.env[variable];
  const phases = (text ?? all.join(',')).split(',').map((phase) => phase.trim());
  const known = (phase: string): phase is Phase => (all as readonly string[]).includes(phase);
  if (!phases.every(known) || !allowed(phases)) {
    console.error(`${variable}: ${expected}, not ${JSON.stringify(text)}`);
    process.exit(2);
  }
  return phases;
}
