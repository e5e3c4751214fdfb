/**
 * A small typed reader for environment variables. Each app declares the variables it reads
 * as a spec; `readEnv` parses all of them at once and throws one ConfigError that names every
 * missing or invalid variable, so a bad deployment fails at start, not on the first request.
 */

export interface VarSpec<T> {
  /** Shown in `.env.example` and in error messages. */
  readonly description: string;
  /** Used when the variable is unset or empty; omit to make the variable required. */
  readonly default?: T;
  /** Hides the value in printed configuration. */
  readonly secret?: boolean;
  /** The variable's kind, for docs and for the compose check. */
  readonly kind: string;
  parse(raw: string): T;
}

export type EnvSpec = Record<string, VarSpec<unknown>>;
export type EnvValues<S extends EnvSpec> = { [K in keyof S]: S[K] extends VarSpec<infer T> ? T : never };

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

class ParseProblem extends Error {}

function fail(message: string): never {
  throw new ParseProblem(message);
}

export function readEnv<S extends EnvSpec>(spec: S, env: Record<string, string | undefined> = process.env): EnvValues<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, varSpec] of Object.entries(spec)) {
    const raw = env[name];
    // An explicitly empty string variable means "empty" (e.g. S3_ENDPOINT= selects AWS); elsewhere it means unset.
    if (raw !== undefined && raw.trim() === '' && varSpec.kind === 'string' && 'default' in varSpec) {
      values[name] = '';
      continue;
    }
    if (raw === undefined || raw.trim() === '') {
      if ('default' in varSpec) values[name] = varSpec.default;
      else problems.push(`${name} is required (${varSpec.description})`);
      continue;
    }
    try {
      values[name] = varSpec.parse(raw.trim());
    } catch (error) {
      if (!(error instanceof ParseProblem)) throw error;
      const shown = varSpec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name} ${error.message}, got ${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as EnvValues<S>;
}

type Options<T> = { description: string; default?: T; secret?: boolean };

function make<T>(kind: string, options: Options<T>, parse: (raw: string) => T): VarSpec<T> {
  return { kind, parse, ...options };
}

export const env = {
  string: (options: Options<string>) => make('string', options, (raw) => raw),

  int(options: Options<number> & { min?: number; max?: number }) {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
    return make('int', rest, (raw) => {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < min || value > max) fail(`must be an integer between ${min} and ${max}`);
      return value;
    });
  },

  port: (options: Options<number>) =>
    make('port', options, (raw) => {
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > 65535) fail('must be a port number (1-65535)');
      return value;
    }),

  number(options: Options<number> & { min?: number; max?: number }) {
    const { min = -Infinity, max = Infinity, ...rest } = options;
    return make('number', rest, (raw) => {
      const value = Number(raw);
      if (!Number.isFinite(value) || value < min || value > max) fail(`must be a number between ${min} and ${max}`);
      return value;
    });
  },

  bool: (options: Options<boolean>) =>
    make('bool', options, (raw) => {
      const lower = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      return fail('must be true or false');
    }),

  url: (options: Options<string>) =>
    make('url', options, (raw) => {
      if (!URL.canParse(raw)) fail('must be an absolute URL');
      return raw.replace(/\/+$/, '');
    }),

  oneOf<const T extends string>(choices: readonly T[], options: Options<T>) {
    return make(`one of ${choices.join('|')}`, options, (raw) => {
      if (!(choices as readonly string[]).includes(raw)) fail(`must be one of ${choices.join(', ')}`);
      return raw as T;
    });
  },

  /**
   * Comma-separated ports, e.g. a cluster's nodes in order; `count` fixes how many. Duplicates are
   * refused, since two servers cannot listen on one port.
   */
  portList(options: Options<number[]> & { count?: number }) {
    const { count, ...rest } = options;
    const expected = count === undefined ? 'a comma-separated list of port numbers (1-65535)' : `a comma-separated list of ${count} port numbers (1-65535)`;
    return make('port list', rest, (raw) => {
      const items = raw.split(',').map((item) => item.trim());
      const ports = items.map(Number);
      if (items.some((item) => !/^\d+$/.test(item)) || ports.some((port) => port < 1 || port > 65535)) fail(`must be ${expected}`);
      if (count !== undefined && ports.length !== count) fail(`must be ${expected}`);
      if (new Set(ports).size !== ports.length) fail('must not list a port twice');
      return ports;
    });
  },

  /**
   * Comma-separated `host:port` addresses, e.g. a cluster's nodes in order of preference; empty by
   * default. Duplicates are refused: one server listed twice would count twice.
   */
  addressList: (options: Options<{ host: string; port: number }[]>) =>
    make('host:port list', options, (raw) => {
      const items = raw.split(',').map((item) => item.trim());
      const addresses = items.map((item) => {
        const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(item);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65535) fail(`must be a comma-separated list of host:port (port 1-65535), and ${JSON.stringify(item)} is not one`);
        return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
      });
      if (new Set(addresses.map(({ host, port }) => `${host}:${port}`)).size !== addresses.length) fail('must not list an address twice');
      return addresses;
    }),

  list: (options: Options<string[]>) =>
    make('list', options, (raw) =>
      raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    ),
};

/** For process entries: returns the config, or prints the problems on one line each and exits 1. */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${service}: ${error.message}`);
    process.exit(1);
  }
}
