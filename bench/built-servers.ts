/**
 * The gateway benchmark and its profiler measure the gateway as the image runs it: the bundle its
 * build writes (tools/build/build-project.ts: tsc, then one bundled file for the gateway; what
 * `nx run-many -t build` runs in deploy/Dockerfile), not the TypeScript sources `npm start` runs
 * through Node's type stripping. The stripper (a WebAssembly module) and every stripped source stay
 * in that process's memory: about 20 MiB more RSS and more collection work per request
 * (docs/performance.md). The bare server is compiled as well, so neither side pays for it.
 * BENCH_GATEWAY_SOURCE=typescript runs both from their sources instead, as `npm start` does.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../tools/stack/config.ts';

export type ServerSource = 'built' | 'typescript';

/** The projects the built gateway imports (its own dist and dist/node_modules/@chucar/*). */
const gatewayProjects = ['libs/contracts', 'libs/domain', 'libs/platform', 'apps/api-gateway'];
/** The gateway's entry as the image runs it (docker-compose.yml's command names it too). */
export const builtGatewayEntry = 'dist/apps/api-gateway/bundle/main.mjs';
/** The same code unbundled, one file per source: what the profiler runs, so each frame keeps its file and layer. */
const builtUnbundledGatewayEntry = 'dist/apps/api-gateway/main.js';
const bareServerSource = 'bench/bare-server.ts';
const builtBareServer = 'dist/bench/bare-server.mjs';

export function serverSource(): ServerSource {
  const value = process.env['BENCH_GATEWAY_SOURCE'] ?? 'built';
  if (value !== 'built' && value !== 'typescript') throw new Error(`BENCH_GATEWAY_SOURCE must be built or typescript, not ${JSON.stringify(value)}`);
  return value;
}

let building: Promise<void> | null = null;

/** Builds the gateway's projects and compiles the bare server, once per bench process. */
function buildOnce(): Promise<void> {
  building ??= (async () => {
    const started = Date.now();
    for (const project of gatewayProjects) {
      // tsc reports errors on stdout: both streams go to this process's stderr, away from the rows.
      const build = spawnSync(process.execPath, ['tools/build/build-project.ts', project], { cwd: repoRoot, stdio: ['ignore', 2, 2], timeout: 300_000 });
      if (build.status !== 0) throw new Error(`the build of ${project} failed (exit ${build.status ?? build.signal})`);
    }
    const compiled = ts.transpileModule(fs.readFileSync(path.join(repoRoot, bareServerSource), 'utf8'), {
      fileName: bareServerSource,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
    });
    fs.mkdirSync(path.dirname(path.join(repoRoot, builtBareServer)), { recursive: true });
    fs.writeFileSync(path.join(repoRoot, builtBareServer), compiled.outputText);
    process.stderr.write(`bench: built the gateway and the bare server in ${((Date.now() - started) / 1000).toFixed(0)} s (BENCH_GATEWAY_SOURCE=typescript runs the sources)\n`);
  })();
  return building;
}

/** The gateway's entry for `source`, built first when it is the built one; `unbundled`: tsc's output as it is. */
export async function gatewayEntry(source: ServerSource, { unbundled = false } = {}): Promise<string> {
  if (source === 'typescript') return 'apps/api-gateway/src/main.ts';
  await buildOnce();
  return unbundled ? builtUnbundledGatewayEntry : builtGatewayEntry;
}

export async function bareServerEntry(source: ServerSource): Promise<string> {
  if (source === 'typescript') return bareServerSource;
  await buildOnce();
  return builtBareServer;
}
