/** The command line of `npm run media:scrub`, parsed and checked before anything connects. */
import { parseArgs } from 'node:util';
import { INCIDENT_OUTCOMES, type IncidentOutcome } from '@chucar/domain';

export const SCRUB_CLI_USAGE = `usage: npm run media:scrub -- [options]
  runs one scrub now against the configured stores (the worker's environment) and prints what it found and repaired

  --pass head|full|both|catch-up|all   head: HEAD the newest window; full: re-read and hash every copy (rate-limited);
                                       both (default): head then full; catch-up: copy what a store lacks; all: catch-up, head, full
  --window HOURS                       the head pass's window (default MEDIA_SCRUB_WINDOW_HOURS)
  --limit N                            check at most N objects per store and pass
  --rate MB_PER_S                      the full pass's re-read rate (default MEDIA_SCRUB_FULL_BYTES_PER_S)
  --purge                              also purge deleted media past MEDIA_PURGE_RETENTION_DAYS from every store
  --list-lost                          only list media whose original is lost (exit 1 when there is any)
  --incidents open|repaired|unrepairable|all   only list the latest incidents (with --limit, default 50)
  --json                               print the report as JSON
exit status: 0 all good or repaired; 1 something unrepairable, lost or left open; 2 bad usage; 3 a store or the database did not answer`;

export type ScrubCliPass = 'head' | 'full' | 'both' | 'catch-up' | 'all';

export type ScrubCliCommand =
  | { kind: 'help' }
  | { kind: 'scrub'; pass: ScrubCliPass; windowHours?: number; limit?: number; bytesPerSecond?: number; purge: boolean; json: boolean }
  | { kind: 'list-lost'; limit: number; json: boolean }
  | { kind: 'incidents'; outcome: IncidentOutcome | 'all'; limit: number; json: boolean };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const passes: readonly ScrubCliPass[] = ['head', 'full', 'both', 'catch-up', 'all'];

export function parseScrubCli(argv: readonly string[]): ScrubCliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        pass: { type: 'string' },
        window: { type: 'string' },
        limit: { type: 'string' },
        rate: { type: 'string' },
        purge: { type: 'boolean' },
        'list-lost': { type: 'boolean' },
        incidents: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  const json = values.json ?? false;
  const limit = values.limit === undefined ? undefined : positiveNumber('--limit', values.limit, true);
  const listings = [values['list-lost'] ? '--list-lost' : null, values.incidents !== undefined ? '--incidents' : null].filter(Boolean);
  if (listings.length > 1) throw new UsageError('--list-lost and --incidents cannot be combined');
  if (listings.length === 1) {
    const scrubFlags = (['pass', 'window', 'rate', 'purge'] as const).filter((name) => values[name] !== undefined);
    if (scrubFlags.length > 0) throw new UsageError(`${listings[0]} lists only; it takes no --${scrubFlags.join(', --')}`);
  }
  if (values['list-lost']) return { kind: 'list-lost', limit: limit ?? 1000, json };
  if (values.incidents !== undefined) {
    const outcome = values.incidents;
    if (outcome !== 'all' && !(INCIDENT_OUTCOMES as readonly string[]).includes(outcome)) throw new UsageError(`--incidents must be one of ${[...INCIDENT_OUTCOMES, 'all'].join(', ')}, got ${JSON.stringify(outcome)}`);
    return { kind: 'incidents', outcome: outcome as IncidentOutcome | 'all', limit: limit ?? 50, json };
  }
  const pass = values.pass ?? 'both';
  if (!(passes as readonly string[]).includes(pass)) throw new UsageError(`--pass must be one of ${passes.join(', ')}, got ${JSON.stringify(pass)}`);
  return {
    kind: 'scrub',
    pass: pass as ScrubCliPass,
    ...(values.window === undefined ? {} : { windowHours: positiveNumber('--window', values.window, false) }),
    ...(limit === undefined ? {} : { limit }),
    ...(values.rate === undefined ? {} : { bytesPerSecond: Math.round(positiveNumber('--rate', values.rate, false) * 1024 * 1024) }),
    purge: values.purge ?? false,
    json,
  };
}

function positiveNumber(flag: string, text: string, whole: boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (whole && !Number.isSafeInteger(value))) {
    throw new UsageError(`${flag} must be a ${whole ? 'whole ' : ''}number above 0, got ${JSON.stringify(text)}`);
  }
  return value;
}
