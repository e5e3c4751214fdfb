/**
 * A progress bar on stderr. On a terminal it redraws one line (phase, %, rows/s, ETA) at
 * most ten times a second; otherwise (CI, a pipe) it prints a line every 10 %.
 */
import type { SeedPhase, SeedProgress } from './seed-demo-data.ts';

export type ProgressOutput = { isTTY?: boolean; write(text: string): unknown };

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes > 0 ? `${minutes}m ${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

export function progressLine(progress: SeedProgress, elapsedMs: number, rowsInPhase: number): string {
  const fraction = progress.total === 0 ? 1 : progress.done / progress.total;
  const filled = Math.round(fraction * BAR_WIDTH);
  const seconds = elapsedMs / 1000;
  const rowsPerSecond = seconds > 0 ? rowsInPhase / seconds : 0;
  const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.POSITIVE_INFINITY;
  return `${progress.phase.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(1).padStart(5)} %  ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')}  ${Math.round(rowsPerSecond).toLocaleString('en-US')} rows/s  ETA ${formatDuration(eta)}`;
}

export function createProgressBar(output: ProgressOutput, clock: () => number = () => performance.now()): { update(progress: SeedProgress): void; finish(): void } {
  let phase: SeedPhase | undefined;
  let phaseStartMs = 0;
  let phaseStartRows = 0;
  let lastDrawMs = Number.NEGATIVE_INFINITY;
  let lastDecile = -1;
  let lineOpen = false;

  return {
    update(progress) {
      const nowMs = clock();
      if (progress.phase !== phase) {
        if (lineOpen) output.write('\n');
        lineOpen = false;
        phase = progress.phase;
        phaseStartMs = nowMs;
        phaseStartRows = progress.rowsWritten;
        lastDrawMs = Number.NEGATIVE_INFINITY;
        lastDecile = -1;
      }
      const line = progressLine(progress, nowMs - phaseStartMs, progress.rowsWritten - phaseStartRows);
      const complete = progress.done >= progress.total;
      if (output.isTTY) {
        if (!complete && nowMs - lastDrawMs < REDRAW_MS) return;
        lastDrawMs = nowMs;
        output.write(`\r${line}\x1b[K`);
        lineOpen = true;
        return;
      }
      const decile = progress.total === 0 ? 10 : Math.floor((progress.done / progress.total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        output.write(`${line}\n`);
      }
    },
    finish() {
      if (lineOpen) output.write('\n');
      lineOpen = false;
    },
  };
}
