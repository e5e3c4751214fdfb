/**
 * What `nx run-many -t build` compiles, read from the build configs without building: every Nx
 * project built by tools/build/build-project.ts (tsc with the project's tsconfig.build.json), the
 * sources that config names, and the JavaScript file each becomes. The build's package writer, the build-config test and the deployment's check
 * of its entry points all read it here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Folders that hold only what tests use: their helpers and fixtures, the API contract tests, benchmark code. */
const TEST_ONLY_FOLDERS = new Set(['testing', 'contract', 'bench']);

/** A path (relative to the repository) that only tests and benchmarks use, never a running process. */
export function isTestOnly(relativePath: string): boolean {
  return relativePath.endsWith('.test.ts') || relativePath.split('/').some((segment) => TEST_ONLY_FOLDERS.has(segment));
}

export interface TypeScriptBuild {
  /** The Nx project's name. */
  name: string;
  /** The project's folder, relative to the repository. */
  root: string;
  projectType: 'application' | 'library';
  /** The build config, relative to the repository. */
  tsconfig: string;
  /** Absolute paths of the compiler's outDir and rootDir. */
  outDir: string;
  rootDir: string;
  /** The sources the config names (relative to the repository); what they import is compiled too. */
  sources: string[];
  /** Entries also written as one bundled file (tools/build/bundle-entry.ts); the image runs those. */
  bundles: BundledEntry[];
}

export interface BundledEntry {
  /** The entry's source, relative to the repository. */
  source: string;
  /** The bundle's entry file, relative to the repository: `<outDir>/bundle/<name>.mjs`. */
  output: string;
}

/**
 * Process entries the build also bundles into one file with what they import. Only the gateway:
 * it runs as several copies behind the balancer, and loaded as ~2,000 separate modules it holds
 * about 13 MiB more heap per copy than bundled (docs/performance.md). The other services run once.
 */
const BUNDLED_SOURCES: Readonly<Record<string, readonly string[]>> = { 'apps/api-gateway': ['apps/api-gateway/src/main.ts'] };

interface ProjectJson {
  name: string;
  projectType: 'application' | 'library';
  targets?: { build?: { options?: { command?: string } } };
}

function projectFiles(): string[] {
  return [...fs.globSync('{apps,libs}/*/project.json', { cwd: repoRoot }), ...fs.globSync('*/project.json', { cwd: repoRoot })].sort();
}

function readBuildConfig(tsconfig: string): ts.ParsedCommandLine {
  const diagnostics: ts.Diagnostic[] = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(repoRoot, tsconfig), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => diagnostics.push(diagnostic),
  });
  const errors = [...diagnostics, ...(parsed?.errors ?? [])];
  if (!parsed || errors.length > 0) {
    throw new Error(`${tsconfig}: ${errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, ' ')).join('; ')}`);
  }
  return parsed;
}

const BUILD_COMMAND = /^node tools\/build\/build-project\.ts (\S+)$/;

/** Every project built by tsc, in a stable order. */
export function typeScriptBuilds(): TypeScriptBuild[] {
  const builds: TypeScriptBuild[] = [];
  for (const file of projectFiles()) {
    const project = JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as ProjectJson;
    const builtRoot = BUILD_COMMAND.exec(project.targets?.build?.options?.command ?? '')?.[1];
    if (builtRoot === undefined) continue;
    if (builtRoot !== path.dirname(file)) throw new Error(`${file}: its build command names ${builtRoot}, not its own folder`);
    const tsconfig = path.join(builtRoot, 'tsconfig.build.json');
    const config = readBuildConfig(tsconfig);
    const { outDir, rootDir } = config.options;
    if (!outDir || !rootDir) throw new Error(`${tsconfig}: a build config sets outDir and rootDir`);
    builds.push({
      name: project.name,
      root: path.dirname(file),
      projectType: project.projectType,
      tsconfig,
      outDir,
      rootDir,
      sources: config.fileNames.map((source) => path.relative(repoRoot, source)).sort(),
      bundles: (BUNDLED_SOURCES[builtRoot] ?? []).map((source) => ({
        source,
        output: path.relative(repoRoot, path.join(outDir, 'bundle', `${path.basename(source, '.ts')}.mjs`)),
      })),
    });
  }
  return builds;
}

/** The JavaScript file (relative to the repository) that `source` compiles to in `build`. */
export function outputOf(build: TypeScriptBuild, source: string): string {
  const relativeToRoot = path.relative(build.rootDir, path.join(repoRoot, source));
  if (relativeToRoot.startsWith('..')) throw new Error(`${source} is outside ${build.tsconfig}'s rootDir`);
  return path.relative(repoRoot, path.join(build.outDir, relativeToRoot.replace(/\.ts$/, '.js')));
}

/** The source (relative to the repository) a built file of some build comes from, if any build writes it. */
export function sourceOf(builds: readonly TypeScriptBuild[], output: string): { build: TypeScriptBuild; source: string } | undefined {
  const absolute = path.join(repoRoot, output);
  const relativeToRepo = path.relative(repoRoot, absolute);
  for (const build of builds) {
    const bundle = build.bundles.find((candidate) => candidate.output === relativeToRepo);
    if (bundle) return { build, source: bundle.source };
    const relativeToOut = path.relative(build.outDir, absolute);
    if (relativeToOut.startsWith('..') || !relativeToOut.endsWith('.js')) continue;
    return { build, source: path.relative(repoRoot, path.join(build.rootDir, relativeToOut.replace(/\.js$/, '.ts'))) };
  }
  return undefined;
}
