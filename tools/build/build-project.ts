/**
 * A TypeScript project's Nx build (`node tools/build/build-project.ts <project root>`): empties its
 * dist folder (tsc never removes what an earlier build left, such as a file since deleted or now
 * excluded), compiles <project root>/tsconfig.build.json and writes the built package.json beside
 * the JavaScript, so `node dist/apps/<app>/main.js` runs without TypeScript; then bundles the
 * entries the project bundles (the gateway's, tools/build/bundle-entry.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot, typeScriptBuilds } from './build-projects.ts';
import { bundleEntry } from './bundle-entry.ts';
import { builtPackageOf } from './dist-package.ts';

const [projectRoot, ...extra] = process.argv.slice(2);
const builds = typeScriptBuilds();
const build = builds.find((candidate) => candidate.root === projectRoot);
if (projectRoot === undefined || extra.length > 0 || build === undefined) {
  console.error(`build-project: give one project root (${builds.map((candidate) => candidate.root).join(', ')}), not ${JSON.stringify(process.argv.slice(2).join(' '))}`);
  process.exit(2);
}

fs.rmSync(build.outDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', build.tsconfig], { cwd: repoRoot, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const builtPackage = builtPackageOf(build, (output) => fs.existsSync(path.join(repoRoot, output)));
fs.writeFileSync(path.join(build.outDir, 'package.json'), `${JSON.stringify(builtPackage, null, 2)}\n`);

for (const entry of build.bundles) {
  try {
    await bundleEntry(build, entry);
  } catch (error) {
    console.error(`build-project: bundling ${entry.source} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
