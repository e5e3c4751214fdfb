/** The integrity work as one object the worker's jobs and the CLI call. */
import { runCatchUp } from './catch-up.ts';
import type { CatchUpReport, CheckPass, CheckPassReport, IntegrityDeps, PurgeReport } from './integrity-types.ts';
import { runPurge } from './purge.ts';
import { runCheckPass, type CheckPassOptions } from './scrub-passes.ts';

export interface IntegrityWork {
  check(pass: CheckPass, options?: CheckPassOptions): Promise<CheckPassReport>;
  catchUp(options?: { batch?: number }): Promise<CatchUpReport>;
  purge(): Promise<PurgeReport>;
}

export function createIntegrityWork(deps: IntegrityDeps): IntegrityWork {
  return {
    check: (pass, options) => runCheckPass(deps, pass, options),
    catchUp: (options) => runCatchUp(deps, options),
    purge: () => runPurge(deps),
  };
}
