/**
 * The build configs hold test-only code out of what is built and shipped, Nx's production inputs
 * say the same (so an edit to a test never invalidates a build), and each built package points at
 * JavaScript the build writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTestOnly, outputOf, repoRoot, sourceOf, typeScriptBuilds, type TypeScriptBuild } from './build-projects.ts';
import { firstNonAscii } from './bundle-entry.ts';
import { builtPackageOf } from './dist-package.ts';

const builds = typeScriptBuilds();

function typeScriptFilesUnder(folder: string): string[] {
  return fs
    .globSync('**/*.ts', { cwd: path.join(repoRoot, folder), exclude: (name) => name === 'node_modules' })
    .map((file) => path.join(folder, file))
    .sort();
}

/** Nx's `production` named input for one project: its negated globs, with {projectRoot} filled in. */
function productionExclusions(projectRoot: string): string[] {
  const nx = JSON.parse(fs.readFileSync(path.join(repoRoot, 'nx.json'), 'utf8')) as { namedInputs: Record<string, string[]> };
  return nx.namedInputs['production']!.filter((input) => input.startsWith('!')).map((input) => input.slice(1).replaceAll('{projectRoot}', projectRoot));
}

function builtFileExistsAfter(build: TypeScriptBuild): (output: string) => boolean {
  const outputs = new Set(build.sources.map((source) => outputOf(build, source)));
  return (output) => outputs.has(output);
}

describe('what is test-only', () => {
  it('is a test, or anything in a testing/, contract/ or bench/ folder', () => {
    expect(isTestOnly('apps/api-gateway/src/app.int.test.ts')).toBe(true);
    expect(isTestOnly('libs/domain/src/testing/repository-contract/world.ts')).toBe(true);
    expect(isTestOnly('apps/api-gateway/src/contract/bad-values.ts')).toBe(true);
    expect(isTestOnly('apps/replica-reporter/src/bench/compare-with-raw.ts')).toBe(true);
    expect(isTestOnly('libs/platform/src/http/service-tokens.ts')).toBe(false);
    expect(isTestOnly('apps/media-service/src/worker/jobs/store-job.ts')).toBe(false);
  });
});

describe('the bundled entries', () => {
  it("are the gateway's main, written to its dist/bundle and read back to its source", () => {
    const bundled = builds.flatMap((build) => build.bundles);
    expect(bundled).toEqual([{ source: 'apps/api-gateway/src/main.ts', output: 'dist/apps/api-gateway/bundle/main.mjs' }]);
    expect(sourceOf(builds, 'dist/apps/api-gateway/bundle/main.mjs')?.source).toBe('apps/api-gateway/src/main.ts');
    expect(sourceOf(builds, 'dist/apps/api-gateway/bundle/chunk-a1b2.mjs')).toBeUndefined();
  });

  it('are checked for ASCII, which V8 keeps at one byte per character', () => {
    expect(firstNonAscii('const a = 1;\n// plain')).toBeUndefined();
    expect(firstNonAscii('const a = 1;\n// a \u2014 b')).toEqual({ character: '\u2014', line: 2 });
    expect(firstNonAscii('x = "W\u00e4rting"')).toEqual({ character: '\u00e4', line: 1 });
  });
});

describe('the TypeScript builds', () => {
  it('are the apps, the libraries and the tools the image runs', () => {
    const roots = builds.map((build) => build.root);
    for (const root of ['apps/api-gateway', 'apps/media-service', 'apps/replica-reporter', 'libs/domain', 'libs/platform', 'tools']) expect(roots).toContain(root);
    expect(roots).not.toContain('apps/web');
  });

  it('include every library and every project with a tsconfig.build.json, so none is left to plain tsc', () => {
    const roots = builds.map((build) => build.root);
    const libraries = fs.globSync('libs/*/project.json', { cwd: repoRoot }).map(path.dirname);
    const withBuildConfig = fs.globSync('{apps,libs}/*/tsconfig.build.json', { cwd: repoRoot }).map(path.dirname);
    expect([...new Set([...libraries, ...withBuildConfig])].filter((root) => !roots.includes(root))).toEqual([]);
  });

  describe.each(builds.map((build) => [build.name, build] as const))('%s', (_name, build) => {
    it('names no test-only source', () => {
      expect(build.sources.length).toBeGreaterThan(0);
      expect(build.sources.filter(isTestOnly)).toEqual([]);
    });

    it('builds every source that is not test-only, unless it names its entries one by one', () => {
      if (build.root === 'tools') return;
      const rootDir = path.relative(repoRoot, build.rootDir);
      expect(build.sources).toEqual(typeScriptFilesUnder(rootDir).filter((file) => !isTestOnly(file)));
    });

    it("agrees with Nx's production inputs: test-only files are left out, built sources are in", () => {
      const exclusions = productionExclusions(build.root);
      const isExcluded = (file: string) => exclusions.some((glob) => path.matchesGlob(file, glob));
      const projectFiles = typeScriptFilesUnder(build.root);
      expect(projectFiles.filter((file) => isTestOnly(file) && !isExcluded(file))).toEqual([]);
      expect(build.sources.filter(isExcluded)).toEqual([]);
    });

    it('writes a package whose exports are built JavaScript files', () => {
      const builtPackage = builtPackageOf(build, builtFileExistsAfter(build));
      expect(builtPackage.type).toBe('module');
      for (const [subpath, target] of Object.entries(builtPackage.exports ?? {})) {
        const output = path.relative(repoRoot, path.join(build.outDir, target));
        expect(target, subpath).toMatch(/^\.\/.*\.js$/);
        expect(sourceOf(builds, output)?.source, subpath).toSatisfy((source: string) => build.sources.includes(source));
      }
    });
  });

  it('build each library as the package the built code imports, in dist/node_modules', () => {
    const libraries = builds.filter((build) => build.projectType === 'library' && build.root.startsWith('libs/'));
    expect(libraries.length).toBeGreaterThan(0);
    for (const library of libraries) {
      const { name } = JSON.parse(fs.readFileSync(path.join(repoRoot, library.root, 'package.json'), 'utf8')) as { name: string };
      expect(path.relative(repoRoot, library.outDir), library.root).toBe(path.join('dist', 'node_modules', name));
    }
  });

  it('build each library every time, as Nx does not restore a cached output under node_modules', () => {
    // A cache hit would leave dist/node_modules/@chucar empty and the built apps would fall back to
    // the workspace links, which point at TypeScript sources.
    const libraries = builds.filter((build) => build.root.startsWith('libs/'));
    for (const library of libraries) {
      const project = JSON.parse(fs.readFileSync(path.join(repoRoot, library.root, 'project.json'), 'utf8')) as { targets: { build: { cache?: boolean } } };
      expect(project.targets.build.cache, library.root).toBe(false);
    }
  });

  it("leave a library's testing entry out of its built package", () => {
    const domain = builds.find((build) => build.root === 'libs/domain')!;
    expect(builtPackageOf(domain, builtFileExistsAfter(domain)).exports).toEqual({ '.': './index.js' });
  });
});
