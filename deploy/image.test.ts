/**
 * The container image runs what the Nx build writes, read without Docker: the Dockerfile builds in
 * one stage and ships only dist/ and the production dependencies, and every entry the image, the
 * compose file or the docs name is a JavaScript file the build writes from a source that is not
 * test-only. Running those entries is build-output.int.test.ts's job.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTestOnly, repoRoot, sourceOf, typeScriptBuilds } from '../tools/build/build-projects.ts';
import { commandOf, loadCompose, type ComposeService } from './compose-file.ts';
import { copiesOf, execFormOf, parseDockerfile, readDockerfile, type Stage } from './dockerfile.ts';

const builds = typeScriptBuilds();
const dockerfile = 'deploy/Dockerfile';
const stages = readDockerfile(path.join(repoRoot, dockerfile));
const runtime = stages.at(-1)!;

/** Why `entry` (a path relative to the image's working directory, the repository's layout) is not a built entry, or undefined. */
function notBuilt(entry: string): string | undefined {
  const built = sourceOf(builds, entry);
  if (!built) return `${entry} is not in any build's output`;
  if (!built.build.sources.includes(built.source)) return `${entry}: ${built.source} is not a source ${built.build.tsconfig} names`;
  if (isTestOnly(built.source)) return `${entry}: ${built.source} is test-only`;
  return undefined;
}

/** The script node runs in `[node, ...flags, script, ...args]`: the first word after node that is not a flag. */
function scriptOf(command: readonly string[]): string | undefined {
  if (command[0] !== 'node') return undefined;
  return command.slice(1).find((word) => !word.startsWith('-'));
}

function runs(stage: Stage): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((instruction) => instruction.keyword === 'WORKDIR').at(-1)?.args ?? '/';
}

describe('deploy/Dockerfile', () => {
  const buildStage = stages.find((stage) => runs(stage).some((command) => /\bnx run-many -t build\b/.test(command)));
  const dependencyStage = stages.find((stage) => runs(stage).some((command) => /\bnpm ci\b.*--omit=dev\b/.test(command)));

  it('runs the Nx build in a stage of its own, from the whole build context', () => {
    expect(buildStage, 'a stage running nx run-many -t build').toBeDefined();
    expect(buildStage).not.toBe(runtime);
    expect(copiesOf(buildStage!).some((copy) => copy.from === undefined && copy.sources.includes('.'))).toBe(true);
  });

  it("ships the build's dist/ and the production dependencies, and no source from the build context", () => {
    const workdir = workdirOf(runtime);
    const copies = copiesOf(runtime);
    expect(copies.filter((copy) => copy.from === undefined), 'COPY from the build context in the final stage').toEqual([]);
    const distCopy = copies.find((copy) => copy.from === buildStage?.name);
    expect(distCopy?.sources.map((source) => path.posix.basename(source))).toEqual(['dist']);
    expect(path.posix.resolve(workdir, distCopy!.destination)).toBe(path.posix.join(workdir, 'dist'));
    expect(dependencyStage, 'a stage running npm ci --omit=dev').toBeDefined();
    const dependencyCopy = copies.find((copy) => copy.from === dependencyStage!.name);
    expect(path.posix.resolve(workdir, dependencyCopy!.destination)).toBe(path.posix.join(workdir, 'node_modules'));
  });

  it('drops the workspace links to the sources, so the built libraries in dist/node_modules are the ones found', () => {
    expect(runs(dependencyStage!).join(' && ')).toMatch(/\brm -rf node_modules\/@chucar\b/);
  });

  it('starts a built entry with node by default', () => {
    const cmd = runtime.instructions.filter((instruction) => instruction.keyword === 'CMD').at(-1);
    expect(cmd).toBeDefined();
    const command = execFormOf(cmd!);
    const script = scriptOf(command);
    expect(script, command.join(' ')).toBeDefined();
    expect(notBuilt(script!)).toBeUndefined();
  });

  it('is read as the checks above expect: stages, continuations and comments', () => {
    const parsed = parseDockerfile('# a comment\nFROM node:24 AS build\nRUN one \\\n  && two\n# between\nFROM node:24\nCOPY --from=build /src/dist ./dist\nCMD ["node", "dist/main.js"]\n');
    expect(parsed.map((stage) => stage.name)).toEqual(['build', '1']);
    expect(runs(parsed[0]!)).toEqual(['one && two']);
    expect(copiesOf(parsed[1]!)).toEqual([{ from: 'build', sources: ['/src/dist'], destination: './dist' }]);
  });
});

describe('docker-compose.yml', () => {
  const compose = loadCompose({ JWT_SECRET: 'a-secret-the-user-generated-0123456789abcdef', MEDIA_SERVICE_SECRET: 'another-secret-the-user-generated-0123456789' });
  const imageServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

  function commandWords(service: ComposeService): string[] {
    return Array.isArray(service.command) ? service.command : commandOf(service).split(/\s+/);
  }

  it('builds the image for every Chucar process and runs each one from dist/', () => {
    expect(imageServices.map(([name]) => name)).toEqual(expect.arrayContaining(['migrate', 'gateway-1', 'media-api', 'media-worker', 'reporter', 'reporter-schedule']));
    for (const [name, service] of imageServices) {
      const script = scriptOf(commandWords(service));
      expect(script, `${name}: ${commandOf(service)}`).toBeDefined();
      expect(notBuilt(script!), name).toBeUndefined();
    }
  });

  it('builds the image from deploy/Dockerfile', () => {
    for (const [name, service] of imageServices) expect((service.build as { dockerfile?: string }).dockerfile, name).toBe(dockerfile);
  });
});

describe('the docs', () => {
  const docs = ['README.md', 'deploy/README.md', ...fs.globSync('docs/*.md', { cwd: repoRoot })];

  it('name only built entries when they say what to run from dist/', () => {
    const named = docs.flatMap((doc) => [...fs.readFileSync(path.join(repoRoot, doc), 'utf8').matchAll(/\bdist\/[\w./-]+\.js\b/g)].map(([entry]) => ({ doc, entry })));
    expect(named.length).toBeGreaterThan(0);
    for (const { doc, entry } of named) expect(notBuilt(entry), `${doc}: ${entry}`).toBeUndefined();
  });
});
