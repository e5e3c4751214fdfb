/**
 * `nx run-many -t build` writes a dist/ that runs as the container image runs it: every process
 * entry started from dist/ with node's TypeScript support turned off (so a lib resolved to its
 * `.ts` sources, or a `.ts` import left in, fails to load), against the shared local stack and the
 * test database, answers its health endpoint; the commands print their help; dist/ holds no
 * test-only code and imports only production dependencies.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeRedisKeys, startServiceProcess, testDatabaseName, unusedLoopbackPort, type ServiceProcess } from '@chucar/platform/testing';
import { isTestOnly, repoRoot, sourceOf, typeScriptBuilds } from './build-projects.ts';
import { firstNonAscii, UNBUNDLED_PACKAGES } from './bundle-entry.ts';

/** Plain JavaScript only: without type stripping, node refuses to load any `.ts` file. */
const plainNode = ['--no-experimental-strip-types'];
// A cold build of every project takes about a minute on a busy two-core machine; a warm one is read from the Nx cache.
const BUILD_TIMEOUT_MS = 180_000;
const COMMAND_TIMEOUT_MS = 20_000;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], env: Record<string, string> = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function runBuilt(entry: string, args: readonly string[], env: Record<string, string> = {}): Promise<Finished> {
  return run([...plainNode, path.join(repoRoot, entry), ...args], env);
}

function filesUnder(folder: string): string[] {
  return fs.globSync('**/*.js', { cwd: path.join(repoRoot, folder) }).map((file) => path.join(folder, file));
}

/** Module specifiers of static imports, re-exports and dynamic imports, as the compiler reads them. */
function importedSpecifiers(code: string): string[] {
  return ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName);
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('the build output', () => {
  const builds = typeScriptBuilds();
  const builtFolders = builds.map((build) => path.relative(repoRoot, build.outDir));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chucar-built-'));
  const queuePrefix = `builttest${process.pid}`;
  const running: ServiceProcess[] = [];
  const productionDependencies = Object.keys((JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies);
  /** The bundled gateway the start test leaves running, with the media API and the reporter behind it. */
  let bundledGateway: string | undefined;

  beforeAll(async () => {
    // nx's own script run with this node: node_modules/.bin/nx would start whichever node the PATH has.
    const nxPackage = createRequire(import.meta.url).resolve('nx/package.json');
    const nx = path.join(path.dirname(nxPackage), (JSON.parse(fs.readFileSync(nxPackage, 'utf8')) as { bin: Record<string, string> }).bin['nx']!);
    // NODE_ENV as a release build has it: the test runner's `test` would give vite React's development runtime.
    const build = await run([nx, 'run-many', '-t', 'build', '--outputStyle=static'], { NODE_ENV: 'production', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, BUILD_TIMEOUT_MS);
    if (build.code !== 0) throw new Error(`nx run-many -t build failed (${build.code}):\n${build.stdout.slice(-5000)}\n${build.stderr.slice(-5000)}`);
  }, BUILD_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await removeRedisKeys(queuePrefix);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('holds the JavaScript of sources that are not test-only, and a package.json per project', () => {
    for (const folder of builtFolders) {
      expect(fs.existsSync(path.join(repoRoot, folder, 'package.json')), folder).toBe(true);
      const files = filesUnder(folder);
      expect(files.length, folder).toBeGreaterThan(0);
      for (const file of files) {
        const built = sourceOf(builds, file);
        expect(built, file).toBeDefined();
        expect(isTestOnly(built!.source), `${file} comes from test-only ${built!.source}`).toBe(false);
      }
    }
  });

  it('imports no .ts file, and no package that is not a production dependency or a built library', () => {
    const builtLibraries = fs.readdirSync(path.join(repoRoot, 'dist/node_modules/@chucar')).map((name) => `@chucar/${name}`);
    const allowed = new Set([...productionDependencies, ...builtLibraries]);
    for (const file of builtFolders.flatMap(filesUnder)) {
      for (const specifier of importedSpecifiers(fs.readFileSync(path.join(repoRoot, file), 'utf8'))) {
        expect(specifier, file).not.toMatch(/\.ts$/);
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        expect(allowed.has(packageNameOf(specifier)), `${file} imports ${specifier}`).toBe(true);
      }
    }
  });

  it("bundles the gateway's entry into ASCII JavaScript that imports only builtins and the packages left out of it", () => {
    const gateway = builds.find((build) => build.root === 'apps/api-gateway')!;
    expect(gateway.bundles.map((bundle) => bundle.output)).toEqual(['dist/apps/api-gateway/bundle/main.mjs']);
    const bundleDir = path.join(repoRoot, 'dist/apps/api-gateway/bundle');
    const imported = new Set<string>();
    for (const file of fs.readdirSync(bundleDir)) {
      const code = fs.readFileSync(path.join(bundleDir, file), 'utf8');
      expect(firstNonAscii(code), file).toBeUndefined();
      // Static imports, and the require() calls of bundled CommonJS code, which rolldown writes as __require.
      const required = [...code.matchAll(/\b__require\("([^"]+)"\)/g)].map((match) => match[1]!);
      for (const specifier of [...importedSpecifiers(code), ...required]) {
        if (specifier.startsWith('./') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        imported.add(packageNameOf(specifier));
      }
    }
    // mysql2 requires cardinal inside a try, to colour SQL in its debug output when it is installed.
    imported.delete('cardinal');
    // The bundle holds its packages: what it still imports are the ones it leaves out, all production dependencies.
    for (const name of imported) {
      expect(UNBUNDLED_PACKAGES as readonly string[], name).toContain(name);
      expect(productionDependencies, name).toContain(name);
    }
  });

  it('starts every service from dist/ with plain node, each answering its health endpoint', async () => {
    const [gatewayPort, mediaPort, workerPort, reporterPort, schedulePort] = await Promise.all(Array.from({ length: 5 }, () => unusedLoopbackPort()));
    const spoolDir = path.join(workDir, 'spool');
    fs.mkdirSync(spoolDir);
    const mediaEnv = { DB_NAME: testDatabaseName, MEDIA_HOST: '127.0.0.1', MEDIA_PORT: String(mediaPort), MEDIA_WORKER_PORT: String(workerPort), MEDIA_SPOOL_DIR: spoolDir, MEDIA_QUEUE_PREFIX: queuePrefix };
    const reporterEnv = {
      REPORTER_DB_NAME: testDatabaseName,
      REPORTER_HOST: '127.0.0.1',
      REPORTER_PORT: String(reporterPort),
      REPORTER_SCHEDULE_PORT: String(schedulePort),
      REPORTER_QUEUE_PREFIX: queuePrefix,
      REPORTER_DAILY_DIR: path.join(workDir, 'reports'),
    };
    const start = async (entry: string, env: Record<string, string>, readyUrl: string) => {
      const service = await startServiceProcess({ name: entry, entry: path.join(repoRoot, entry), nodeOptions: plainNode, cwd: repoRoot, env, readyUrl });
      running.push(service);
      return service;
    };

    await Promise.all([
      start('dist/apps/media-service/main-api.js', mediaEnv, `http://127.0.0.1:${mediaPort}/health/ready`),
      start('dist/apps/media-service/main-worker.js', mediaEnv, `http://127.0.0.1:${workerPort}/health/ready`),
      start('dist/apps/replica-reporter/main.js', reporterEnv, `http://127.0.0.1:${reporterPort}/health/ready`),
      start('dist/apps/replica-reporter/main-schedule.js', reporterEnv, `http://127.0.0.1:${schedulePort}/health/ready`),
    ]);
    const gateway = `http://127.0.0.1:${gatewayPort}`;
    bundledGateway = gateway;
    // The gateway as the image runs it: its bundle.
    await start(
      'dist/apps/api-gateway/bundle/main.mjs',
      { DB_NAME: testDatabaseName, GATEWAY_HOST: '127.0.0.1', GATEWAY_PORT: String(gatewayPort), MEDIA_SERVICE_URL: `http://127.0.0.1:${mediaPort}`, REPORTER_URL: `http://127.0.0.1:${reporterPort}` },
      `${gateway}/health/ready`,
    );

    const readiness = (await (await fetch(`${gateway}/health/ready`, { signal: AbortSignal.timeout(5000) })).json()) as { service: string; status: string };
    expect(readiness).toMatchObject({ service: 'api-gateway', status: 'ready' });
    // The web client the image ships in dist/apps/web, served at / (WEB_DIST_DIR's default, relative to the working directory).
    const page = await fetch(`${gateway}/`, { signal: AbortSignal.timeout(5000) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // A public route through the built domain library and the primary.
    const regions = await fetch(`${gateway}/v1/regions`, { signal: AbortSignal.timeout(5000) });
    expect(regions.status).toBe(200);
    // The rate limit's counter in Redis (ioredis, bundled).
    expect(regions.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
  });

  it('serves, from the bundled gateway, what each bundled package does: docs, metrics, validation, sign-up, a signed-in read after the write', async () => {
    expect(bundledGateway, 'the gateway the test above starts').toBeDefined();
    const gateway = bundledGateway!;
    const get = (url: string, headers: Record<string, string> = {}) => fetch(`${gateway}${url}`, { headers, signal: AbortSignal.timeout(5000) });
    const document = (await (await get('/docs/json')).json()) as { openapi?: string; paths?: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths ?? {})).toContain('/v1/quote-requests');
    // swagger-ui is left out of the bundle and serves its page from its own package folder.
    const page = await get('/docs/static/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
    expect(await (await get('/metrics')).text()).toMatch(/^nodejs_heap_size_total_bytes \d+/m);

    const unsigned = await get('/v1/quote-requests');
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const signUp = (payload: unknown) =>
      fetch(`${gateway}/v1/auth/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(5000) });
    const refused = await signUp({ email: 'not-an-email', password: '' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { type?: string }).type).toBeDefined();

    const signedUp = await signUp({ email: `built-${process.pid}-${Date.now()}@example.com`, password: 'correct horse battery staple', displayName: 'built' });
    expect(signedUp.status).toBe(201);
    const session = (await signedUp.json()) as { accessToken: string };
    const consistencyToken = signedUp.headers.get('x-consistency-token');
    expect(consistencyToken).toBeTruthy();
    const list = await get('/v1/quote-requests?limit=5', { authorization: `Bearer ${session.accessToken}`, 'x-consistency-token': consistencyToken! });
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ items: [] });
  });

  it('runs the migrations and the alert log from dist/tools', async () => {
    const migrate = await runBuilt('dist/tools/db/migrate.js', [], { DB_NAME: testDatabaseName });
    expect(migrate, migrate.stderr).toMatchObject({ code: 0, stdout: `${testDatabaseName}: schema is up to date\n` });

    const port = await unusedLoopbackPort();
    const alertLog = spawn(process.execPath, [...plainNode, path.join(repoRoot, 'dist/tools/monitoring/alert-log.js'), '--port', String(port)], {
      cwd: repoRoot,
      env: { ...process.env, ALERT_LOG_HOST: '127.0.0.1', ALERT_LOG_FILE: path.join(workDir, 'alerts.log') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const listening = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('alert-log did not say it listens within 20 s')), COMMAND_TIMEOUT_MS);
        alertLog.stdout.on('data', (chunk: Buffer) => {
          clearTimeout(timer);
          resolve(chunk.toString());
        });
        alertLog.once('exit', (code) => reject(new Error(`alert-log exited with ${code}`)));
      });
      expect(listening).toContain(`http://127.0.0.1:${port}/alerts`);
      // It has no health route: a malformed delivery refused with 400 shows the receiver answers.
      const refused = await fetch(`http://127.0.0.1:${port}/alerts`, { method: 'POST', body: 'not json', signal: AbortSignal.timeout(5000) });
      expect(refused.status).toBe(400);
    } finally {
      alertLog.kill('SIGTERM');
    }
  });

  it.each([
    ['dist/apps/media-service/cli/scrub-cli.js', /^usage: npm run media:scrub/],
    ['dist/apps/media-service/cli/requeue-cli.js', /^npm run media:requeue/],
    ['dist/apps/media-service/cli/orphans-cli.js', /^npm run media:orphans/],
    ['dist/apps/replica-reporter/main-cli.js', /^Usage: npm run report /],
    ['dist/apps/replica-reporter/main-schedule.js', /^Usage: npm run report:daily/],
    ['dist/apps/replica-reporter/main-follow.js', /^Usage: npm run reporter:follow/],
  ])('%s --help prints its usage and exits 0', async (entry, usage) => {
    const result = await runBuilt(entry, ['--help']);
    expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(usage);
  });

  it('refuses a bad flag to the daily-report scheduler in one line, exit 2', async () => {
    const result = await runBuilt('dist/apps/replica-reporter/main-schedule.js', ['--days', '2026-11-30']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^report schedule: Unknown option '--days'.*\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a bad flag to the statistics replica follower in one line, exit 2', async () => {
    const result = await runBuilt('dist/apps/replica-reporter/main-follow.js', ['--ones']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^reporter follow: Unknown option '--ones'.*\n$/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
