/** Analysts' load on a reporter process, shared by the benches that measure what reports do to live traffic. */
import { REPORT_NAMES, type ReportName } from '@chucar/domain';

/** The reporter's environment in the benches: production mode with secrets of the bench's own. */
export const reporterEnv = { NODE_ENV: 'production', LOG_LEVEL: 'warn', REPORTER_JWT_SECRET: 'bench-only-secret-0123456789-0123456789', REPORTER_SERVICE_SECRET: 'bench-only-secret-0123456789-abcdefghij' };

/**
 * Keeps every report running at once against one reporter process, as analysts would through the
 * HTTP API (the reporter runs REPORTER_MAX_CONCURRENT_QUERIES of them at a time), until stopped.
 */
export interface ReportLoad {
  stop(): Promise<void>;
  /** Reports answered 200. */
  completed(): number;
  /** Other answers by status (503 when a report waited longer than REPORTER_QUEUE_WAIT_MS for a query slot). */
  refused(): Record<number, number>;
  /** Requests that got no answer at all, and the first few reasons. */
  failed(): number;
  failures(): string[];
}

export function reportsRunning(reporterUrl: string, token: string, from: string, to: string): ReportLoad {
  let running = true;
  let completed = 0;
  let failed = 0;
  const refused: Record<number, number> = {};
  const failures: string[] = [];
  const loop = async (report: ReportName) => {
    while (running) {
      try {
        const answer = await fetch(`${reporterUrl}/reports/${report}?from=${from}&to=${to}&granularity=month&format=csv`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(300_000) });
        await answer.arrayBuffer();
        if (answer.ok) completed += 1;
        else refused[answer.status] = (refused[answer.status] ?? 0) + 1;
      } catch (error) {
        // Counted, never thrown: a loop left running after an error elsewhere must not end the bench with a reason of its own.
        failed += 1;
        if (failures.length < 3) failures.push(`${report}: ${error instanceof Error ? `${error.message} ${String((error as { cause?: unknown }).cause ?? '')}` : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const loops = REPORT_NAMES.map((report) => loop(report));
  return {
    completed: () => completed,
    refused: () => ({ ...refused }),
    failed: () => failed,
    failures: () => [...failures],
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}
