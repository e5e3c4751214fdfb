/**
 * Reads docker-compose.yml the way `docker compose` does for what the checks in compose.test.ts
 * need: YAML merge keys, `${VAR}` interpolation from the user's environment, and a few accessors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: string[];
  expose?: (string | number)[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
}

export interface ComposeFile {
  version?: unknown;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`. Like compose, a missing required variable is an error for the whole file.
 */
export function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string, operator?: string, argument = '') => {
    if (match === '$$') return '$';
    const value = vars[name];
    const missing = operator?.startsWith(':') ? !value : value === undefined;
    if (!missing) return value ?? '';
    if (operator === ':-' || operator === '-') return argument;
    if (operator === ':?' || operator === '?') throw new Error(`${name}: ${argument}`);
    return '';
  });
}

function interpolateAll(node: unknown, vars: Record<string, string | undefined>): unknown {
  if (typeof node === 'string') return interpolate(node, vars);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, vars));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, vars)]));
  }
  return node;
}

/** The compose file as `docker compose` sees it with `userEnv` in the shell or in `.env`. */
export function loadCompose(userEnv: Record<string, string | undefined>, file = path.join(repoRoot, 'docker-compose.yml')): ComposeFile {
  const document = parse(fs.readFileSync(file, 'utf8'), { merge: true }) as unknown;
  return interpolateAll(document, userEnv) as ComposeFile;
}

export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

export function commandOf(service: ComposeService): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition ?? 'service_started']));
}

export interface PublishedPort {
  host: number;
  container: number;
}

/** Short syntax only: `[ip:]host:container`. */
export function publishedPortsOf(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((entry) => {
    const parts = String(entry).split(':');
    const [host, container] = parts.slice(-2).map(Number);
    if (parts.length < 2 || !Number.isInteger(host) || !Number.isInteger(container)) throw new Error(`unsupported port entry ${entry}`);
    return { host: host!, container: container! };
  });
}

export interface Mount {
  source: string;
  target: string;
}

export function mountsOf(service: ComposeService): Mount[] {
  return (service.volumes ?? []).map((entry) => {
    const [source = '', target = ''] = String(entry).split(':');
    return { source, target };
  });
}

/** `--name=value` flags of a server command line; `_` and `-` are the same in MariaDB option names. */
export function serverFlagsOf(service: ComposeService): Map<string, string> {
  const flags = new Map<string, string>();
  const words = Array.isArray(service.command) ? service.command : commandOf(service).split(/\s+/);
  for (const word of words) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(word);
    if (match) flags.set(match[1]!.replaceAll('_', '-').toLowerCase(), match[2] ?? '');
  }
  return flags;
}

/**
 * The options of a MariaDB option file's server groups ([mysqld], [mariadbd], [server], [galera]),
 * with names normalised as serverFlagsOf does and surrounding quotes dropped from values.
 */
export function serverOptionsOfFile(text: string): Map<string, string> {
  const options = new Map<string, string>();
  let inServerGroup = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const group = /^\[([\w-]+)\]$/.exec(line);
    if (group) {
      inServerGroup = ['mysqld', 'mariadbd', 'server', 'galera', 'mariadb'].includes(group[1]!);
      continue;
    }
    if (!inServerGroup) continue;
    const option = /^([\w-]+)\s*(?:=\s*(.*))?$/.exec(line);
    if (!option) throw new Error(`not an option line: ${line}`);
    options.set(option[1]!.replaceAll('_', '-').toLowerCase(), (option[2] ?? '').replace(/^"(.*)"$/, '$1'));
  }
  return options;
}
