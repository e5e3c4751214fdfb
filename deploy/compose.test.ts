/**
 * docker-compose.yml checked against the apps' env specs, without Docker: every app container gets
 * a configuration its own parser accepts, points at services that exist on the ports they listen
 * on, and the deployment keeps the architecture's promises (two stateless gateways behind a health-
 * checked balancer, a three-node Galera cluster configured as the local stack's, a read-only GTID
 * statistics replica that alone feeds the reporter, durable queues and spool), restarts what crashes
 * but not what ran once, and monitors every service it runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { clusterDatabaseEnv, primaryDatabaseEnv, readEnv, redisEnv, runtimeEnv, type EnvSpec } from '@chucar/platform';
import { gatewayEnv, loadGatewayConfig } from '@chucar/api-gateway/config';
import { loadMediaConfig, mediaEnv } from '@chucar/media-service/config';
import { loadReporterConfig, loadStatisticsFollowerConfig, reporterEnv, statisticsFollowerEnv } from '@chucar/replica-reporter/config';
import { stackEnv } from '../tools/stack/config.ts';
import { galeraDefaultsFile, galeraGtidDomainId, galeraNodeLayout } from '../tools/stack/galera-state.ts';
import {
  commandOf,
  dependenciesOf,
  environmentOf,
  loadCompose,
  mountsOf,
  publishedPortsOf,
  repoRoot,
  serverFlagsOf,
  serverOptionsOfFile,
  type ComposeService,
} from './compose-file.ts';

/** What a user puts in `.env` before `docker compose up`: only the values without a default. */
const userEnv = {
  JWT_SECRET: 'a-secret-the-user-generated-0123456789abcdef',
  MEDIA_SERVICE_SECRET: 'another-secret-the-user-generated-0123456789',
};
const compose = loadCompose(userEnv);
const services = compose.services;
const serviceNames = Object.keys(services);

/** The Galera nodes, in the order of wsrep_cluster_address; the statistics replica beside them. */
const galeraNodes = ['galera-1', 'galera-2', 'galera-3'];
const statistics = 'mariadb-statistics';
/** Jobs that run once and exit 0: restarting them would run them again for ever. */
const oneShotJobs = ['migrate', 'minio-buckets', 'minio-mirror-buckets'];

/** The migration runner (tools/db/migrate.ts, built) reads the DB_* variables and DB_CLUSTER_NODES. */
const migrationsEnv = { ...runtimeEnv, ...primaryDatabaseEnv, ...clusterDatabaseEnv };

interface Program {
  name: string;
  runs: RegExp;
  spec: EnvSpec;
  listenHost?: string;
  listenPort?: string;
}

// First match wins: the follower runs from the reporter's folder with a spec of its own.
const programs: Program[] = [
  { name: 'statistics-follower', runs: /\bapps\/replica-reporter\/main-follow\.js\b/, spec: statisticsFollowerEnv, listenHost: 'REPORTER_HOST', listenPort: 'STATISTICS_FOLLOW_PORT' },
  { name: 'api-gateway', runs: /\bapps\/api-gateway\//, spec: gatewayEnv, listenHost: 'GATEWAY_HOST', listenPort: 'GATEWAY_PORT' },
  { name: 'media-service', runs: /\bapps\/media-service\//, spec: mediaEnv, listenHost: 'MEDIA_HOST', listenPort: 'MEDIA_PORT' },
  { name: 'replica-reporter', runs: /\bapps\/replica-reporter\//, spec: reporterEnv, listenHost: 'REPORTER_HOST', listenPort: 'REPORTER_PORT' },
  { name: 'migrations', runs: /\bdist\/tools\/db\/migrate\.js\b/, spec: migrationsEnv },
];

function programOf(service: ComposeService): Program | undefined {
  return programs.find((program) => program.runs.test(commandOf(service)));
}

function servicesRunning(programName: string): string[] {
  return serviceNames.filter((name) => programOf(services[name]!)?.name === programName);
}

const appServices = serviceNames.filter((name) => programOf(services[name]!) !== undefined);

/** The environment a process sees: what compose sets, and its spec's defaults for the rest. */
function effectiveEnv(name: string): Record<string, string> {
  const service = services[name]!;
  const defaults: Record<string, string> = {};
  for (const [variable, spec] of Object.entries(programOf(service)?.spec ?? {})) {
    if ('default' in spec) defaults[variable] = Array.isArray(spec.default) ? spec.default.join(',') : String(spec.default);
  }
  return { ...defaults, ...environmentOf(service) };
}

/** Ports a service accepts connections on: an app's own port variable, or what the image's server publishes/exposes. */
function listeningPorts(name: string): number[] {
  const service = services[name];
  if (!service) return [];
  const program = programOf(service);
  if (program?.listenPort) return [Number(effectiveEnv(name)[program.listenPort])];
  return [...publishedPortsOf(service).map((port) => port.container), ...(service.expose ?? []).map(Number)];
}

/**
 * Ports a scraper can reach: the listening ports above, plus an app's other own ports (`X_PORT`
 * with no `X_HOST` to connect to, such as MEDIA_WORKER_PORT or REPORTER_SCHEDULE_PORT).
 */
function scrapablePorts(name: string): number[] {
  const environment = effectiveEnv(name);
  const listenHost = programOf(services[name]!)?.listenHost;
  const ownPorts = Object.entries(environment)
    .filter(([variable]) => variable.endsWith('_PORT'))
    .filter(([variable]) => {
      const hostVariable = variable.replace(/_PORT$/, '_HOST');
      return !(hostVariable in environment) || hostVariable === listenHost;
    })
    .map(([, value]) => Number(value));
  return [...listeningPorts(name), ...(programOf(services[name]!) ? ownPorts : [])];
}

/** Compose's own default is "no"; the key is not part of ComposeService. */
function restartPolicyOf(service: ComposeService): string {
  return 'restart' in service ? String(service.restart) : 'no';
}

/** `host:port` entries of a list variable (DB_CLUSTER_NODES, STATISTICS_SOURCE_NODES). */
function nodeList(value: string | undefined): { host: string; port: number }[] {
  return (value ?? '')
    .split(',')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const [host = '', port = ''] = entry.trim().split(':');
      return { host, port: Number(port) };
    });
}

/** In cluster mode (DB_CLUSTER_NODES set) an app reads no DB_PRIMARY_* or DB_REPLICA_*: their defaults point nowhere it connects to. */
const unusedInClusterMode = /^DB_(PRIMARY|REPLICA)_HOST$/;

/** Host and port of every address a service is told to connect to: `X_HOST` + `X_PORT`, a URL, or a `_NODES` list. */
function addressesOf(name: string): { variable: string; host: string; port: number }[] {
  const environment = effectiveEnv(name);
  const listenHost = programOf(services[name]!)?.listenHost;
  const clusterMode = nodeList(environment['DB_CLUSTER_NODES']).length > 0;
  const addresses = [];
  for (const [variable, value] of Object.entries(environment)) {
    if (variable.endsWith('_NODES')) {
      for (const node of nodeList(value)) addresses.push({ variable, ...node });
    }
    if (clusterMode && unusedInClusterMode.test(variable)) continue;
    if (variable.endsWith('_HOST') && variable !== listenHost) {
      addresses.push({ variable, host: value, port: Number(environment[variable.replace(/_HOST$/, '_PORT')]) });
    }
    // A public endpoint is what clients outside the compose network reach: checked on its own below.
    if (/_(URL|ENDPOINT)$/.test(variable) && !variable.includes('_PUBLIC_') && value !== '') {
      const url = new URL(value);
      addresses.push({ variable, host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) });
    }
  }
  return addresses;
}

describe('docker-compose.yml', () => {
  it('is a Compose-spec file (no version key) that runs every app', () => {
    expect(compose.version).toBeUndefined();
    for (const program of programs) expect(servicesRunning(program.name), program.name).not.toHaveLength(0);
  });

  it('refuses to start without JWT_SECRET or MEDIA_SERVICE_SECRET', () => {
    expect(() => loadCompose({ MEDIA_SERVICE_SECRET: userEnv.MEDIA_SERVICE_SECRET })).toThrow(/JWT_SECRET/);
    expect(() => loadCompose({ JWT_SECRET: userEnv.JWT_SECRET })).toThrow(/MEDIA_SERVICE_SECRET/);
  });

  it('gives the gateways and the media service the same service-token secret', () => {
    const holders = [...servicesRunning('api-gateway'), ...servicesRunning('media-service')];
    expect(holders.length).toBeGreaterThanOrEqual(4);
    for (const name of holders) expect(environmentOf(services[name]!)['MEDIA_SERVICE_SECRET'], name).toBe(userEnv.MEDIA_SERVICE_SECRET);
  });

  describe.each(appServices)('app service %s', (name) => {
    const service = services[name]!;
    const program = programOf(service)!;
    const environment = environmentOf(service);

    it('sets every variable its spec requires', () => {
      const required = Object.entries(program.spec).filter(([, spec]) => !('default' in spec));
      for (const [variable] of required) expect(environment[variable], variable).toBeTruthy();
    });

    it('sets only variables its spec knows', () => {
      const unknown = Object.keys(environment).filter((variable) => !(variable in program.spec));
      expect(unknown).toEqual([]);
    });

    it('gets values its configuration parser accepts, production mode included', () => {
      expect(() => readEnv(program.spec, environment)).not.toThrow();
      if (program.name === 'api-gateway') expect(() => loadGatewayConfig(environment)).not.toThrow();
      if (program.name === 'media-service') expect(() => loadMediaConfig(environment)).not.toThrow();
      if (program.name === 'replica-reporter') expect(() => loadReporterConfig(environment)).not.toThrow();
      if (program.name === 'statistics-follower') expect(() => loadStatisticsFollowerConfig(environment)).not.toThrow();
      expect(environment['NODE_ENV']).toBe('production');
    });

    // Only where they apply, so a run lists no skipped tests.
    if (program.listenHost) {
      it('listens on all interfaces, so other containers can reach it', () => {
        expect(environment[program.listenHost!]).toBe('0.0.0.0');
      });
    }

    if (name !== 'migrate') {
      it('starts after the migrations succeeded', () => {
        expect(dependenciesOf(service)['migrate']).toBe('service_completed_successfully');
      });
    }
  });

  it('points every host and URL at a service, on a port that service listens on', () => {
    for (const name of serviceNames) {
      for (const { variable, host, port } of addressesOf(name)) {
        expect(serviceNames, `${name}: ${variable}=${host}`).toContain(host);
        expect(listeningPorts(host), `${name}: ${variable} port`).toContain(port);
      }
    }
  });

  it('signs media URLs for the address clients reach: the port MinIO publishes on the host', () => {
    for (const name of servicesRunning('media-api')) {
      const url = new URL(effectiveEnv(name)['S3_PUBLIC_ENDPOINT'] ?? '');
      expect(publishedPortsOf(services['minio']!).map((port) => port.host), name).toContain(Number(url.port));
    }
  });

  it('publishes ports on the host only where the local stack defaults expect them', () => {
    const hostPortDefaults: Record<string, (number | undefined)[]> = {
      ...Object.fromEntries(galeraNodes.map((node, index) => [node, [stackEnv.DB_GALERA_PORTS.default?.[index]]])),
      [statistics]: [stackEnv.DB_STATISTICS_PORT.default],
      redis: [redisEnv.REDIS_PORT.default],
      minio: [stackEnv.S3_PORT.default],
      'minio-mirror': [stackEnv.S3_MIRROR_PORT.default],
      'media-api': [mediaEnv.MEDIA_PORT.default],
      reporter: [reporterEnv.REPORTER_PORT.default],
      'load-balancer': [8080],
      // The monitoring UIs, on the ports npm start gives them too (docs/operations.md).
      prometheus: [9090],
      alertmanager: [9093],
    };
    for (const name of serviceNames) {
      const published = publishedPortsOf(services[name]!).map((port) => port.host);
      for (const port of published) expect(hostPortDefaults[name] ?? [], `${name} publishes ${port}`).toContain(port);
    }
  });

  it('runs the migrations on the cluster, once node 1 is synced', () => {
    expect(programOf(services['migrate']!)?.name).toBe('migrations');
    expect(nodeList(environmentOf(services['migrate']!)['DB_CLUSTER_NODES']).map((node) => node.host)).toEqual(galeraNodes);
    expect(dependenciesOf(services['migrate']!)['galera-1']).toBe('service_healthy');
  });

  describe('MariaDB Galera cluster', () => {
    const nodeServices = serviceNames.filter((name) => /^galera-\d+$/.test(name));
    /** What every node reads from its option files (chucar.cnf, galera.cnf) and its command line. */
    function optionsOf(name: string): Map<string, string> {
      const options = new Map<string, string>();
      for (const mount of mountsOf(services[name]!).filter((entry) => entry.target.startsWith('/etc/mysql/conf.d/'))) {
        for (const [option, value] of serverOptionsOfFile(fs.readFileSync(path.join(repoRoot, mount.source), 'utf8'))) options.set(option, value);
      }
      for (const [option, value] of serverFlagsOf(services[name]!)) options.set(option, value);
      return options;
    }
    const providerOptionsOf = (options: Map<string, string>) => new Map((options.get('wsrep-provider-options') ?? '').split(';').map((entry) => entry.split('=').map((part) => part.trim()) as [string, string]));
    const addressOf = (name: string) => (optionsOf(name).get('wsrep-cluster-address') ?? '').replace(/^gcomm:\/\//, '').split(',').map((member) => member.split(':')[0]);

    /** The local stack's option file for its node 1 (tools/stack/galera-state.ts): the reference. */
    const localNodes = galeraNodeLayout({ sqlPorts: [3311, 3312, 3313], groupBasePort: 4567, stateDir: '/stack', socketPath: (home) => `${home}/mariadbd.sock` });
    const local = serverOptionsOfFile(galeraDefaultsFile(localNodes[0]!, localNodes));

    it('runs three nodes of MariaDB 11.4 LTS, named as their services, on one cluster address naming exactly them', () => {
      expect(nodeServices).toEqual(galeraNodes);
      for (const name of nodeServices) {
        expect(services[name]!.image, name).toBe('mariadb:11.4');
        const options = optionsOf(name);
        expect(options.get('wsrep-on'), name).toBe('ON');
        expect(options.get('wsrep-node-name'), name).toBe(name);
        expect(addressOf(name), name).toEqual(galeraNodes);
      }
      expect(new Set(nodeServices.map((name) => optionsOf(name).get('wsrep-cluster-address'))).size).toBe(1);
      expect(new Set(nodeServices.map((name) => optionsOf(name).get('wsrep-cluster-name'))).size).toBe(1);
    });

    it('uses the provider the image installs and the state transfer the local stack uses: mariabackup', () => {
      for (const name of nodeServices) {
        const options = optionsOf(name);
        expect(options.get('wsrep-provider'), name).toBe(local.get('wsrep-provider'));
        expect(options.get('wsrep-sst-method'), name).toBe('mariabackup');
      }
    });

    it('has a state transfer user the image creates on node 1 (copied to the others), with what mariabackup needs', () => {
      for (const name of nodeServices) {
        const [user = '', password] = (optionsOf(name).get('wsrep-sst-auth') ?? '').split(':');
        // mysql@localhost, identified by unix_socket as the OS user the image runs mariadbd as: no password.
        expect(user, name).toBe('mysql');
        expect(password, name).toBe('');
        const environment = environmentOf(services[name]!);
        expect(environment['MARIADB_MYSQL_LOCALHOST_USER'], name).toBe('1');
        const grants = (environment['MARIADB_MYSQL_LOCALHOST_GRANTS'] ?? '').split(',').map((grant) => grant.trim());
        expect(grants, name).toEqual(expect.arrayContaining(['RELOAD', 'PROCESS', 'LOCK TABLES', 'BINLOG MONITOR']));
      }
    });

    it('logs and numbers transactions as the local stack does: row binlog on every node, one server id and GTID domain, a domain of its own per node', () => {
      const shared = ['binlog-format', 'log-slave-updates', 'server-id', 'wsrep-gtid-mode', 'wsrep-gtid-domain-id', 'innodb-autoinc-lock-mode', 'event-scheduler'];
      for (const [index, name] of nodeServices.entries()) {
        const options = optionsOf(name);
        for (const option of shared) expect(options.get(option), `${name} ${option}`).toBe(local.get(option));
        expect(options.has('log-bin'), name).toBe(true);
        expect(options.get('log-basename'), name).toBe(name);
        expect(options.get('gtid-domain-id'), name).toBe(String(galeraGtidDomainId + index + 1));
      }
      expect(local.get('event-scheduler')).toBe('ON');
    });

    it('tunes failure detection as the local stack does', () => {
      const localProvider = providerOptionsOf(local);
      const tuned = [...localProvider.keys()].filter((option) => option.startsWith('evs.') || option.startsWith('gcomm.'));
      expect(tuned).toContain('evs.suspect_timeout');
      for (const name of nodeServices) {
        const provider = providerOptionsOf(optionsOf(name));
        for (const option of tuned) expect(provider.get(option), `${name} ${option}`).toBe(localProvider.get(option));
      }
    });

    it('starts every node through galera-start.sh, which alone adds --wsrep-new-cluster, and sets up accounts on node 1 only', () => {
      for (const name of nodeServices) {
        const service = services[name]!;
        expect('entrypoint' in service ? service.entrypoint : undefined, name).toEqual(['bash', '/usr/local/bin/galera-start.sh']);
        expect(mountsOf(service), name).toContainEqual({ source: './deploy/mariadb/galera/galera-start.sh', target: '/usr/local/bin/galera-start.sh' });
        expect(commandOf(service), name).not.toMatch(/wsrep-new-cluster|wsrep_start_position|pc\.bootstrap/);
        // Shared by the nodes: whether the cluster was ever created (galera-start.sh's marker).
        const state = mountsOf(service).find((mount) => mount.target === '/var/lib/chucar-galera');
        expect(state?.source, name).toBe('galera-cluster-state');
        const initDir = mountsOf(service).find((mount) => mount.target === '/docker-entrypoint-initdb.d');
        expect(initDir?.source, name).toBe(name === galeraNodes[0] ? './deploy/mariadb/galera/initdb' : undefined);
      }
      const dataVolumes = nodeServices.map((name) => mountsOf(services[name]!).find((mount) => mount.target === '/var/lib/mysql')?.source);
      expect(new Set(dataVolumes).size).toBe(nodeServices.length);
      for (const volume of [...dataVolumes, 'galera-cluster-state']) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    });

    it('is healthy only when synced, stops cleanly, and is stopped before node 1 so node 1 may restart the cluster', () => {
      for (const name of nodeServices) {
        const service = services[name]!;
        expect(service.healthcheck?.test, name).toEqual(expect.arrayContaining(['healthcheck.sh', '--galera_online']));
        const grace = 'stop_grace_period' in service ? String(service.stop_grace_period) : '10s';
        expect(grace, name).toMatch(/^\d+m$/);
        if (name !== galeraNodes[0]) expect(dependenciesOf(service)[galeraNodes[0]!], name).toBe('service_started');
      }
    });
  });

  describe('statistics replica', () => {
    const flags = serverFlagsOf(services[statistics]!);
    const firstNodeEnv = environmentOf(services[galeraNodes[0]!]!);

    it('is a distinct, read-only MariaDB 11.4 server with strict GTIDs, logging what it applies', () => {
      expect(services[statistics]!.image).toBe('mariadb:11.4');
      expect(flags.get('read-only')).toBe('ON');
      expect(flags.get('gtid-strict-mode')).toBe('ON');
      expect(flags.get('log-slave-updates')).toBe('ON');
      expect(flags.get('server-id')).toBeTruthy();
      expect(flags.get('server-id')).not.toBe(serverOptionsOfFile(fs.readFileSync(path.join(repoRoot, 'deploy/mariadb/galera/galera.cnf'), 'utf8')).get('server-id'));
      expect(flags.get('wsrep-on') ?? 'OFF').toBe('OFF');
    });

    it('replicates by GTID from Galera node 1, set up by an init script', () => {
      const initDir = mountsOf(services[statistics]!).find((mount) => mount.target === '/docker-entrypoint-initdb.d');
      expect(initDir).toBeDefined();
      const scripts = fs.readdirSync(path.join(repoRoot, initDir!.source)).map((file) => fs.readFileSync(path.join(repoRoot, initDir!.source, file), 'utf8'));
      expect(scripts.join('\n')).toMatch(/MASTER_USE_GTID\s*=\s*slave_pos/);
      expect(environmentOf(services[statistics]!)['REPLICATION_SOURCE_HOST']).toBe(galeraNodes[0]);
    });

    it('is kept on a live node by the follower, which may move it to any node and only to those', () => {
      const followers = servicesRunning('statistics-follower');
      expect(followers).toHaveLength(1);
      const environment = effectiveEnv(followers[0]!);
      expect(environment['STATISTICS_REPLICA_HOST']).toBe(statistics);
      expect(nodeList(environment['STATISTICS_SOURCE_NODES']).map((node) => node.host)).toEqual(galeraNodes);
      expect(environment['STATISTICS_ADMIN_USER']).toBe(firstNodeEnv['DB_ADMIN_USER']);
      expect(environment['STATISTICS_ADMIN_PASSWORD']).toBe(firstNodeEnv['DB_ADMIN_PASSWORD']);
      expect(environment['STATISTICS_REPLICATION_USER']).toBe(firstNodeEnv['DB_REPLICATION_USER']);
      expect(environment['STATISTICS_REPLICATION_PASSWORD']).toBe(firstNodeEnv['DB_REPLICATION_PASSWORD']);
    });
  });

  it('creates with the cluster the accounts the apps, the statistics replica and the exporters log in with', () => {
    const firstNodeEnv = environmentOf(services[galeraNodes[0]!]!);
    const statisticsEnv = environmentOf(services[statistics]!);
    expect(statisticsEnv['DB_REPLICATION_USER']).toBe(firstNodeEnv['DB_REPLICATION_USER']);
    expect(statisticsEnv['DB_REPLICATION_PASSWORD']).toBe(firstNodeEnv['DB_REPLICATION_PASSWORD']);
    for (const name of [...servicesRunning('api-gateway'), ...servicesRunning('media-service'), 'migrate']) {
      const environment = effectiveEnv(name);
      expect(environment['DB_NAME'], name).toBe(firstNodeEnv['DB_NAME']);
      expect(environment['DB_USER'], name).toBe(firstNodeEnv['DB_USER']);
      expect(environment['DB_PASSWORD'], name).toBe(firstNodeEnv['DB_PASSWORD']);
    }
    for (const name of servicesRunning('replica-reporter')) {
      const environment = effectiveEnv(name);
      expect(environment['REPORTER_DB_NAME'], name).toBe(firstNodeEnv['DB_NAME']);
      expect(environment['REPORTER_DB_USER'], name).toBe(firstNodeEnv['DB_REPORTER_USER']);
      expect(environment['REPORTER_DB_PASSWORD'], name).toBe(firstNodeEnv['DB_REPORTER_PASSWORD']);
    }
  });

  it('gives the gateways and the media service exactly the three nodes, in the same order everywhere', () => {
    const holders = [...servicesRunning('api-gateway'), ...servicesRunning('media-service')];
    expect(holders.length).toBeGreaterThanOrEqual(4);
    for (const name of holders) {
      expect(nodeList(effectiveEnv(name)['DB_CLUSTER_NODES']), name).toEqual(galeraNodes.map((host) => ({ host, port: 3306 })));
    }
  });

  it('gives the reporter the statistics replica and no way to reach the live tier', () => {
    for (const name of servicesRunning('replica-reporter')) {
      const environment = effectiveEnv(name);
      expect(environment['REPORTER_DB_HOST'], name).toBe(statistics);
      const naming = Object.entries(environment).filter(([variable, value]) => /PRIMARY|CLUSTER/i.test(variable) || galeraNodes.some((node) => value.includes(node)));
      expect(naming, name).toEqual([]);
      for (const node of galeraNodes) expect(Object.keys(dependenciesOf(services[name]!)), name).not.toContain(node);
    }
  });

  it('points nothing at the statistics replica but the reporter, its follower and its exporter', () => {
    const allowed = [...servicesRunning('replica-reporter'), ...servicesRunning('statistics-follower'), 'mysqld-exporter-statistics'];
    const pointing = serviceNames.filter((name) => Object.values(effectiveEnv(name)).some((value) => value.includes(statistics)));
    expect(pointing.sort()).toEqual(allowed.sort());
    for (const name of serviceNames) {
      for (const variable of ['DB_CLUSTER_NODES', 'STATISTICS_SOURCE_NODES']) {
        expect(nodeList(effectiveEnv(name)[variable]).map((node) => node.host), `${name} ${variable}`).not.toContain(statistics);
      }
    }
  });

  it('runs at least two gateways with identical configuration (they keep no state)', () => {
    const gateways = servicesRunning('api-gateway');
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    const [first, ...others] = gateways.map((name) => services[name]!);
    for (const other of others) {
      expect(environmentOf(other)).toEqual(environmentOf(first!));
      expect(other.command).toEqual(first!.command);
      expect(other.image).toEqual(first!.image);
    }
  });

  it('balances the gateways with HAProxy on port 8080, checking /health/ready', () => {
    const balancer = services['load-balancer']!;
    expect(balancer.image).toMatch(/^haproxy:3\./);
    expect(publishedPortsOf(balancer)).toContainEqual({ host: 8080, container: 8080 });
    const configMount = mountsOf(balancer).find((mount) => mount.target.endsWith('haproxy.cfg'));
    expect(configMount?.source).toBe('./deploy/haproxy/haproxy.cfg');

    const config = fs.readFileSync(path.join(repoRoot, configMount!.source), 'utf8');
    expect(config).toMatch(/^\s*bind\s+\S*:8080\b/m);
    const backend = config.split(/^(?=backend\s)/m).find((section) => /^\s*option\s+httpchk\s+GET\s+\/health\/ready\b/m.test(section));
    expect(backend, 'a backend with option httpchk GET /health/ready').toBeDefined();
    expect(backend).toMatch(/^\s*option\s+redispatch\b/m);
    expect(backend).toMatch(/^\s*retries\s+[1-9]/m);
    expect(backend).toMatch(/^\s*default-server\b.*\bcheck\b/m);

    const servers = [...backend!.matchAll(/^\s*server\s+\S+\s+([\w.-]+):(\d+)/gm)].map(([, host, port]) => ({ host, port: Number(port) }));
    const gateways = servicesRunning('api-gateway');
    expect(servers.map((server) => server.host).sort()).toEqual([...gateways].sort());
    for (const server of servers) expect(listeningPorts(server.host!)).toContain(server.port);
  });

  it('drains a gateway longer than HAProxy takes to notice, keeps its connections longer than HAProxy idles them, and lets it finish', () => {
    const config = fs.readFileSync(path.join(repoRoot, 'deploy/haproxy/haproxy.cfg'), 'utf8');
    const seconds = (value: string) => (value.endsWith('ms') ? Number(value.slice(0, -2)) / 1000 : value.endsWith('s') ? Number(value.slice(0, -1)) : Number(value) / 1000);
    const checks = /^\s*default-server\b.*\binter\s+(\S+)\s+fall\s+(\d+)/m.exec(config);
    const serverTimeout = /^\s*timeout\s+server\s+(\S+)/m.exec(config);
    expect(checks, 'default-server with inter and fall').not.toBeNull();
    expect(serverTimeout, 'timeout server').not.toBeNull();
    const noticedWithinS = seconds(checks![1]!) * (Number(checks![2]) + 1);
    for (const name of servicesRunning('api-gateway')) {
      const gateway = loadGatewayConfig(effectiveEnv(name));
      expect(gateway.SHUTDOWN_DRAIN_MS / 1000, name).toBeGreaterThanOrEqual(noticedWithinS);
      expect(gateway.HTTP_KEEP_ALIVE_TIMEOUT_MS / 1000, name).toBeGreaterThan(seconds(serverTimeout![1]!));
      const service = services[name]!;
      const grace = 'stop_grace_period' in service ? seconds(String(service.stop_grace_period)) : 10;
      expect(grace, `${name} stop_grace_period`).toBeGreaterThan(gateway.SHUTDOWN_DRAIN_MS / 1000 + 10);
    }
  });

  it('runs the media API and worker as separate services sharing one spool volume', () => {
    const api = serviceNames.filter((name) => commandOf(services[name]!).includes('dist/apps/media-service/main-api.js'));
    const worker = serviceNames.filter((name) => commandOf(services[name]!).includes('dist/apps/media-service/main-worker.js'));
    expect(api).toHaveLength(1);
    expect(worker).toHaveLength(1);
    expect(api[0]).not.toBe(worker[0]);
    const spoolMounts = [api[0]!, worker[0]!].map((name) => {
      const spoolDir = effectiveEnv(name)['MEDIA_SPOOL_DIR'];
      return mountsOf(services[name]!).find((mount) => mount.target === spoolDir);
    });
    expect(spoolMounts[0]?.source).toBeTruthy();
    expect(spoolMounts[1]?.source).toBe(spoolMounts[0]?.source);
    expect(Object.keys(compose.volumes ?? {}), 'a named volume').toContain(spoolMounts[0]!.source);
  });

  it('creates the media bucket and its mirror in MinIO', () => {
    const makeBucketArguments = [...commandOf(services['minio-buckets']!).matchAll(/\bmc mb\b([^&;]*)/g)].flatMap(([, args]) => args!.split(/\s+/));
    const created = makeBucketArguments.filter((argument) => argument.includes('/')).map((target) => target.split('/').pop());
    for (const name of servicesRunning('media-service')) expect(created).toContain(effectiveEnv(name)['S3_BUCKET']);
    expect(created).toContain(stackEnv.S3_MIRROR_BUCKET.default);
  });

  describe('restart policies', () => {
    it('brings every long-running service back after a crash, and after a Docker restart', () => {
      const longRunning = serviceNames.filter((name) => !oneShotJobs.includes(name));
      const policies = Object.fromEntries(longRunning.map((name) => [name, restartPolicyOf(services[name]!)]));
      const notRestarted = Object.entries(policies).filter(([, policy]) => policy !== 'unless-stopped' && policy !== 'always');
      expect(notRestarted, 'long-running services without restart: unless-stopped (or always)').toEqual([]);
    });

    it('never restarts a one-shot job, and treats every job others wait to complete as one', () => {
      for (const name of oneShotJobs) {
        expect(serviceNames, name).toContain(name);
        expect(restartPolicyOf(services[name]!), name).toBe('no');
      }
      const awaitedToComplete = serviceNames.flatMap((name) =>
        Object.entries(dependenciesOf(services[name]!))
          .filter(([, condition]) => condition === 'service_completed_successfully')
          .map(([dependency]) => dependency),
      );
      for (const name of awaitedToComplete) expect(oneShotJobs, `${name} is awaited to complete`).toContain(name);
    });
  });

  describe('monitoring', () => {
    const monitoringDir = path.join(repoRoot, 'deploy', 'monitoring');
    const prometheusConfig = parse(fs.readFileSync(path.join(monitoringDir, 'prometheus.yml'), 'utf8')) as {
      rule_files?: string[];
      alerting?: { alertmanagers?: { static_configs?: { targets: string[] }[] }[] };
      scrape_configs: { job_name: string; static_configs: { targets: string[]; labels?: Record<string, string> }[] }[];
    };
    const alertmanagerConfig = parse(fs.readFileSync(path.join(monitoringDir, 'alertmanager.yml'), 'utf8')) as {
      receivers: { name: string; webhook_configs?: { url: string; send_resolved?: boolean }[] }[];
    };
    // Prometheus scrapes itself on localhost.
    const serviceOf = (host: string) => (host === 'localhost' ? 'prometheus' : host);
    const scrapeTargets = prometheusConfig.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((group) =>
        group.targets.map((target) => {
          const [host = '', port = ''] = target.split(':');
          return { job: job.job_name, service: serviceOf(host), port: Number(port), labels: group.labels ?? {} };
        }),
      ),
    );

    it('scrapes only compose services, on ports they listen on', () => {
      expect(scrapeTargets.length).toBeGreaterThan(0);
      for (const target of scrapeTargets) {
        expect(serviceNames, `job ${target.job}`).toContain(target.service);
        expect(scrapablePorts(target.service), `job ${target.job}: ${target.service}`).toContain(target.port);
      }
    });

    it('scrapes every service that runs an app, HAProxy, and every database server through an exporter of its own', () => {
      const scraped = new Set(scrapeTargets.map((target) => target.service));
      for (const name of appServices.filter((name) => !oneShotJobs.includes(name))) expect(scraped, name).toContain(name);
      expect(scraped).toContain('load-balancer');

      // The rules tell the servers apart by the target's server label (galera-N, statistics, as npm
      // start names them): it must name the server the exporter behind that target connects to, or
      // one node's outage would read as another's.
      const serverOfLabel: Record<string, string> = { ...Object.fromEntries(galeraNodes.map((node) => [node, node])), statistics };
      const mysqld = scrapeTargets.filter((target) => target.job === 'mysqld');
      expect(mysqld.map((target) => target.labels['server']).sort()).toEqual(Object.keys(serverOfLabel).sort());
      // Every exporter compose runs is scraped, so none reports to nobody.
      const exporters = serviceNames.filter((name) => services[name]!.image?.startsWith('prom/mysqld-exporter:'));
      expect(exporters.sort()).toEqual(mysqld.map((target) => target.service).sort());
      // With the account node 1's init script creates (copied to the other nodes and replicated to the statistics replica).
      const firstNodeEnv = environmentOf(services[galeraNodes[0]!]!);
      const initDir = 'deploy/mariadb/galera/initdb';
      const initScripts = fs.readdirSync(path.join(repoRoot, initDir)).map((file) => fs.readFileSync(path.join(repoRoot, initDir, file), 'utf8'));
      expect(initScripts.join('\n')).toMatch(/CREATE USER IF NOT EXISTS \$\(chucar_account "\$DB_EXPORTER_USER" "\$DB_EXPORTER_PASSWORD"\)/);
      for (const target of mysqld) {
        const server = serverOfLabel[target.labels['server']!]!;
        const dataSource = environmentOf(services[target.service]!)['DATA_SOURCE_NAME'] ?? '';
        expect(dataSource, target.service).toBe(`${firstNodeEnv['DB_EXPORTER_USER']}:${firstNodeEnv['DB_EXPORTER_PASSWORD']}@(${server}:${listeningPorts(server)[0]})/`);
      }
      const redisExporter = scrapeTargets.find((target) => target.job === 'redis');
      expect(environmentOf(services[redisExporter!.service]!)['REDIS_ADDR']).toBe(`redis://redis:${listeningPorts('redis')[0]}`);
    });

    it("serves HAProxy's metrics on the port Prometheus scrapes", () => {
      const config = fs.readFileSync(path.join(repoRoot, 'deploy/haproxy/haproxy.cfg'), 'utf8');
      const frontend = config.split(/^(?=frontend\s|backend\s)/m).find((section) => /use-service\s+prometheus-exporter/.test(section));
      expect(frontend, 'a frontend with use-service prometheus-exporter').toBeDefined();
      const haproxyTargets = scrapeTargets.filter((target) => target.job === 'haproxy');
      expect(haproxyTargets).toHaveLength(1);
      expect(frontend).toMatch(new RegExp(`^\\s*bind\\s+\\S*:${haproxyTargets[0]!.port}\\b`, 'm'));
    });

    it('mounts the configs read-only where Prometheus and Alertmanager read them, rules beside the config', () => {
      const prometheusMounts = mountsOf(services['prometheus']!);
      expect(prometheusMounts).toContainEqual({ source: './deploy/monitoring/prometheus.yml', target: '/etc/prometheus/prometheus.yml' });
      for (const ruleFile of prometheusConfig.rule_files ?? []) {
        expect(prometheusMounts).toContainEqual({ source: `./deploy/monitoring/${ruleFile}`, target: `/etc/prometheus/${ruleFile}` });
      }
      expect(prometheusConfig.rule_files).toContain('alert-rules.yml');
      expect(mountsOf(services['alertmanager']!)).toContainEqual({ source: './deploy/monitoring/alertmanager.yml', target: '/etc/alertmanager/alertmanager.yml' });
      for (const name of ['prometheus', 'alertmanager']) {
        const configMounts = (services[name]!.volumes ?? []).filter((entry) => String(entry).startsWith('./'));
        for (const entry of configMounts) expect(String(entry), name).toMatch(/:ro$/);
      }
    });

    it('sends alerts to a compose Alertmanager, and Alertmanager to a compose receiver, resolved ones too', () => {
      const alertmanagers = (prometheusConfig.alerting?.alertmanagers ?? []).flatMap((entry) => entry.static_configs ?? []).flatMap((group) => group.targets);
      expect(alertmanagers.length).toBeGreaterThan(0);
      for (const target of alertmanagers) {
        const [host = '', port = ''] = target.split(':');
        expect(serviceNames).toContain(host);
        expect(listeningPorts(host), target).toContain(Number(port));
      }
      const webhooks = alertmanagerConfig.receivers.flatMap((receiver) => receiver.webhook_configs ?? []);
      expect(webhooks.length).toBeGreaterThan(0);
      for (const webhook of webhooks) {
        const url = new URL(webhook.url);
        expect(serviceNames, webhook.url).toContain(url.hostname);
        expect(listeningPorts(url.hostname), webhook.url).toContain(Number(url.port));
        expect(webhook.send_resolved, webhook.url).toBe(true);
      }
    });
  });

  it('keeps queued jobs in Redis durable and never evicted', () => {
    const command = commandOf(services['redis']!);
    expect(command).toMatch(/--appendonly yes\b/);
    expect(command).toMatch(/--maxmemory-policy noeviction\b/);
    expect(mountsOf(services['redis']!).map((mount) => mount.target)).toContain('/data');
  });
});
