/**
 * Renders `.env.example` from the env specs: one section per program, each variable with its
 * description, kind and default. A variable read by several apps is listed once, in a shared
 * section that names its readers; their specs must agree on its default.
 */
import path from 'node:path';
import { localDevelopmentSecrets, readEnv, type EnvSpec, type VarSpec } from '@chucar/platform';
import { gatewayEnv } from '@chucar/api-gateway/config';
import { mediaEnv } from '@chucar/media-service/config';
import { reporterEnv, statisticsFollowerEnv } from '@chucar/replica-reporter/config';
import { repoRoot, stackEnv } from '../../tools/stack/config.ts';
import { startEnv } from '../../tools/supervisor/start-config.ts';

export interface SpecGroup {
  name: string;
  title: string;
  spec: EnvSpec;
}

/**
 * The stack is a reader like the apps: a port it listens on is the same variable the apps connect
 * with (DB_PRIMARY_PORT, REDIS_PORT, ...), so the defaults must agree by construction.
 */
export const specGroups: SpecGroup[] = [
  { name: 'api-gateway', title: 'api-gateway (apps/api-gateway)', spec: gatewayEnv },
  { name: 'media-service', title: 'media-service (apps/media-service)', spec: mediaEnv },
  { name: 'replica-reporter', title: 'replica-reporter (apps/replica-reporter)', spec: reporterEnv },
  { name: 'statistics replica follower', title: 'The statistics replica follower (apps/replica-reporter: npm run reporter:follow)', spec: statisticsFollowerEnv },
  { name: 'local stack', title: 'Local stack (tools/stack: npm run stack:up)', spec: stackEnv },
  { name: 'npm start', title: 'npm start (tools/start.ts: the supervisor, HAProxy and the monitoring)', spec: startEnv },
];

export const envExamplePath = path.join(repoRoot, '.env.example');

const header = `# Chucar environment variables, one section per program.
#
# Generated from the apps' env specs by deploy/env-example/generate.ts; do not edit by hand. Run
#   npm run env:example                      (rewrite this file)
#   npm run env:example -- --check           (fails when it is out of date)
#
# Every value shown is the default, and the defaults match the local stack (npm run stack:up):
# with nothing set, every app finds MariaDB, Redis and S3 where the stack runs them. Nothing
# reads this file by itself: set only what you change, in the environment or in a file passed
# with \`node --env-file=...\`. docker compose reads a \`.env\` next to docker-compose.yml for its
# own substitutions (passwords, JWT_SECRET, LOG_LEVEL); container addresses are fixed there.
#
# Secrets show the local stack's value, which is for the local stack only.
#
# npm start runs the services on the stack's Galera cluster (it sets DB_CLUSTER_NODES to its nodes
# and REPORTER_DB_PORT to the statistics replica, ${stackEnv.DB_STATISTICS_PORT.default}); an app started alone with these defaults
# uses the primary ${stackEnv.DB_PRIMARY_PORT.default} and replica ${stackEnv.DB_REPLICA_PORT.default}, which the integration tests use.
#
# The local stack admin account (DB_ADMIN_USER / DB_ADMIN_PASSWORD) works with the mariadb CLI on
# every server, e.g. to watch the statements npm start's services send to Galera node 1, their
# writer while it is synced (the stack runs log_output=TABLE, so the general log is a table):
#   mariadb -h127.0.0.1 -P${readEnv(stackEnv, {}).DB_GALERA_PORTS[0]} -u${stackEnv.DB_ADMIN_USER.default} -p${localDevelopmentSecrets.adminDatabasePassword}
#   SET GLOBAL general_log = 1;
#   SELECT event_time, argument FROM mysql.general_log ORDER BY event_time DESC LIMIT 20;
#   SET GLOBAL general_log = 0;
# and the statistics replica on port ${stackEnv.DB_STATISTICS_PORT.default} (SHOW SLAVE STATUS\\G).
`;

function formatValue(value: unknown): string {
  const text = Array.isArray(value) ? value.join(',') : String(value);
  return /[\s#"'$\\]/.test(text) ? `'${text}'` : text;
}

function describeVariable(name: string, spec: VarSpec<unknown>, readers?: string[]): string {
  const lines = [`# ${spec.description} [${spec.kind}]`];
  if (readers) lines.push(`# Read by: ${readers.join(', ')}`);
  if (!('default' in spec)) return [...lines, '# Required: no default.', `${name}=`].join('\n');
  if (spec.secret) lines.push('# Secret: this default is for the local stack only; set your own anywhere else.');
  return [...lines, `${name}=${formatValue(spec.default)}`].join('\n');
}

function section(title: string, variables: string[]): string {
  const rule = '# ' + '='.repeat(98);
  return [rule, `# ${title}`, rule, '', variables.join('\n\n')].join('\n');
}

export function renderEnvExample(groups: SpecGroup[] = specGroups): string {
  const readersOf = new Map<string, SpecGroup[]>();
  for (const group of groups) {
    for (const name of Object.keys(group.spec)) readersOf.set(name, [...(readersOf.get(name) ?? []), group]);
  }
  for (const [name, readers] of readersOf) {
    const defaults = new Set(readers.map((group) => JSON.stringify(group.spec[name]!.default)));
    if (defaults.size > 1) throw new Error(`${name} has different defaults in ${readers.map((group) => group.name).join(', ')}`);
  }
  const shared = [...readersOf].filter(([, readers]) => readers.length > 1);
  const sections = [
    section(
      'Read by more than one program',
      shared.map(([name, readers]) => describeVariable(name, readers[0]!.spec[name]!, readers.map((group) => group.name))),
    ),
    ...groups.map((group) =>
      section(
        group.title,
        Object.entries(group.spec)
          .filter(([name]) => readersOf.get(name)!.length === 1)
          .map(([name, spec]) => describeVariable(name, spec)),
      ),
    ),
  ];
  return `${header}\n${sections.join('\n\n\n')}\n`;
}
