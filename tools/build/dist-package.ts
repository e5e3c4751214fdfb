/**
 * The package.json of a built project, so `dist/` runs with plain node: the source package's
 * exports point at `./src/*.ts`, the built one's at the JavaScript beside it. An export whose
 * source the build leaves out (a `./testing` entry) is not in the built package.
 */
import fs from 'node:fs';
import path from 'node:path';
import { outputOf, repoRoot, type TypeScriptBuild } from './build-projects.ts';

interface SourcePackage {
  name?: string;
  version?: string;
  private?: boolean;
  description?: string;
  type?: string;
  exports?: Record<string, unknown>;
}

export interface BuiltPackage {
  name?: string;
  version?: string;
  private: true;
  description?: string;
  type: 'module';
  exports?: Record<string, string>;
}

/** The built package of `build`; a project without a package.json (tools) gets one that only says ES modules. */
export function builtPackageOf(build: TypeScriptBuild, builtFileExists: (output: string) => boolean): BuiltPackage {
  const manifest = path.join(repoRoot, build.root, 'package.json');
  if (!fs.existsSync(manifest)) return { private: true, type: 'module' };
  const source = JSON.parse(fs.readFileSync(manifest, 'utf8')) as SourcePackage;
  if (source.type !== 'module') throw new Error(`${build.root}/package.json: the build emits ES modules, so "type" must be "module"`);
  const exports: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(source.exports ?? {})) {
    if (typeof target !== 'string' || !target.endsWith('.ts')) {
      throw new Error(`${build.root}/package.json: export ${subpath} must name one .ts file to be built, not ${JSON.stringify(target)}`);
    }
    const output = outputOf(build, path.join(build.root, target));
    if (!builtFileExists(output)) continue;
    exports[subpath] = `./${path.relative(build.outDir, path.join(repoRoot, output))}`;
  }
  return {
    ...(source.name !== undefined ? { name: source.name } : {}),
    ...(source.version !== undefined ? { version: source.version } : {}),
    private: true,
    ...(source.description !== undefined ? { description: source.description } : {}),
    type: 'module',
    ...(source.exports !== undefined ? { exports } : {}),
  };
}
